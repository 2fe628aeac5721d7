'use strict';

// Crash: kill -9 one node of three that holds presence members. Within 30 s every other node emits
// member_removed for them, the remaining nodes agree on exact counts (no ghost members), and its
// pusher-js clients (through nginx) reconnect to another node and receive later events.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster, setupFailover, assertFailoverOutcome } = require('../lib/cluster');

describe('cluster: crash (kill -9) of a node', () => {
  const h = useCluster();

  h.test('kill -9: members removed on every other node within 30 s, exact counts, clients reconnect elsewhere and get later events', async (t) => {
    const s = await setupFailover(h);
    t.diagnostic(`victim node${s.victim} (pid ${h.cluster.slots[s.victim].server.pid}); nginx clients per node: ${JSON.stringify([0, 1, 2].map((n) => s.lb.filter((e) => e.node === n).length))}`);

    // Before the crash every surviving node lists the victim's members.
    for (const o of s.observers) {
      assert.deepEqual(Object.keys(o.channel.members.members).sort(), s.initialUsers, `${o.label} before the crash`);
    }

    const since = Date.now();
    await h.cluster.crashNode(s.victim);
    assert.equal(h.cluster.slots[s.victim].server.exited.signal, 'SIGKILL');

    const { removalMs } = await assertFailoverOutcome(h, s, { t, since, removalTimeoutMs: 30000 });
    assert.ok(removalMs <= 30000, `member_removed took ${removalMs} ms`);

    // Observers never lost their own connection and saw each removed member exactly once.
    for (const o of s.observers) {
      assert.deepEqual(o.watch.codes, [], `${o.label}: no errors`);
      const removed = o.rec.of('removed').map((x) => x.data.id).sort();
      assert.deepEqual(removed, [...s.onVictim.map((e) => e.firstUserId), 'stayer'].sort(), `${o.label}: member_removed exactly once each`);
    }

    // The two survivors report ready with one peer each (the crashed node is no longer waited for).
    await h.cluster.waitReady(30000);
  });
});
