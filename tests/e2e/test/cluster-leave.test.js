'use strict';

// Graceful leave: one node of three gets SIGTERM. Its clients (through nginx) are closed with 4200,
// reconnect through nginx to another node and carry on; its presence members leave everywhere.
// Afterwards the node is started again on the same ports and must rejoin the cluster.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster, setupFailover, assertFailoverOutcome } = require('../lib/cluster');
const { subscribe, uid } = require('../lib/clients');
const { waitFor, Recorder } = require('../lib/wait');

describe('cluster: graceful leave (SIGTERM) and rejoin of a node', () => {
  const h = useCluster();
  let victim = null;

  h.test('SIGTERM: its nginx clients get 4200, reconnect to another node, re-subscribe and get later events; its members leave everywhere', async (t) => {
    const s = await setupFailover(h);
    victim = s.victim;
    t.diagnostic(`victim node${s.victim}; nginx clients per node: ${JSON.stringify([0, 1, 2].map((n) => s.lb.filter((e) => e.node === n).length))}`);

    const since = Date.now();
    const exited = h.cluster.terminateNode(s.victim);
    for (const e of [...s.onVictim, s.stayer]) {
      await waitFor(() => e.watch.codes.includes(4200), 10000, () => `${e.label} to be closed with 4200 (codes ${JSON.stringify(e.watch.codes)}, states ${e.watch.states.join('>')})`);
    }
    let timer;
    const exit = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), 20000)))]);
    clearTimeout(timer);
    assert.notEqual(exit, 'timeout', `node${s.victim} did not exit within 20 s of SIGTERM`);
    assert.deepEqual(exit, { code: 0, signal: null }, `node${s.victim} exit after SIGTERM`);

    await assertFailoverOutcome(h, s, { t, since });
    for (const e of s.onVictim) assert.equal(e.watch.codes.filter((c) => c !== 4200).length, 0, `${e.label}: only 4200 (${e.watch.codes})`);

    // The two remaining nodes report ready with one peer each.
    await h.cluster.waitReady(30000);
  });

  h.test('the stopped node starts again on the same ports and rejoins: presence snapshot, member events and events both ways', async () => {
    const idx = victim === null ? 2 : victim;
    if (h.cluster.slots[idx].up) await h.cluster.stopNode(idx);
    const others = [0, 1, 2].filter((i) => i !== idx);

    const P = `presence-${uid('rejoin')}`;
    const pub = uid('rejoin-pub');
    const early = [];
    for (const n of others) {
      const client = await h.node(n).connect({ auth: { user: `early${n}` } });
      const { channel } = await subscribe(client, P);
      const rec = new Recorder().record(channel, 'pusher:member_added', 'added').record(channel, 'pusher:member_removed', 'removed');
      const pubCh = (await subscribe(client, pub)).channel;
      rec.record(pubCh, 'from-new').record(pubCh, 'barrier');
      early.push({ n, client, channel, rec });
    }

    await h.cluster.startNode(idx); // waits until all three answer /ready with two peers

    const late = await h.node(idx).connect({ auth: { user: 'late' } });
    const { data: snapshot } = await subscribe(late, P, 10000);
    assert.deepEqual(Object.keys(snapshot.members).sort(), others.map((n) => `early${n}`).concat('late').sort(), 'the rejoined node knows the members of the others');
    for (const e of early) await waitFor(() => e.rec.of('added').some((x) => x.data.id === 'late'), 10000, `node${e.n} to see member_added late`);
    for (const e of early) {
      const expected = early.filter((o) => o.n > e.n).map((o) => `early${o.n}`).concat('late');
      assert.deepEqual(e.rec.of('added').map((x) => x.data.id), expected, `node${e.n}: member_added`);
    }

    const latePub = (await subscribe(late, pub)).channel;
    const lateRec = new Recorder().record(latePub, 'from-old').record(latePub, 'barrier');
    // From the rejoined node to the others, and back.
    assert.equal((await h.sdk(idx).trigger(pub, 'from-new', { n: 1 })).status, 200);
    assert.equal((await h.sdk(others[0]).trigger(pub, 'from-old', { n: 2 })).status, 200);
    await h.sdk(idx).trigger(pub, 'barrier', {});
    await h.sdk(others[0]).trigger(pub, 'barrier', {});
    for (const e of early) {
      await e.rec.waitForCount('barrier', 2, 10000);
      assert.deepEqual(e.rec.of('from-new').map((x) => x.data), [{ n: 1 }], `node${e.n}: event from the rejoined node exactly once`);
    }
    await lateRec.waitForCount('barrier', 2, 10000);
    assert.deepEqual(lateRec.of('from-old').map((x) => x.data), [{ n: 2 }]);

    for (const target of [0, 1, 2, 'lb']) {
      const users = (await (await h.sdk(target).get({ path: `/channels/${P}/users` })).json()).users.map((u) => u.id).sort();
      assert.deepEqual(users, [...others.map((n) => `early${n}`), 'late'].sort(), `/users on ${target}`);
    }

    late.disconnect();
    for (const e of early) await e.rec.waitForCount('removed', 1, 10000);
    for (const e of early) assert.deepEqual(e.rec.of('removed').map((x) => x.data.id), ['late']);
  });
});
