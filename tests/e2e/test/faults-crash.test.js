'use strict';

// Crash under load: three nodes behind nginx, pusher-js clients through nginx on a public and a presence
// channel, a steady stream of sequenced events through nginx, kill -9 of one node. Exact accounting: clients on
// the surviving nodes miss no event; the dead node's clients reconnect through nginx and receive every event
// triggered after they re-subscribed; no duplicates; order per accepting node; presence, counts and /metrics
// right on every surviving node within failure-timeout + down-after + ~2 s (hocon/broadcaster.conf).
// cluster-crash.test.js covers the same crash without load (member_removed, ghosts, later events).

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster, watchConnection } = require('../lib/cluster');
const { waitConnected, uid } = require('../lib/clients');
const { waitFor } = require('../lib/wait');
const { EventStream, Ledger, assertExactDelivery } = require('../lib/event-stream');
const { metrics, figures, channelState } = require('../lib/node-state');

const CLIENTS = 18;
const RATE = 25; // events per second, each on both channels
// The suite's cluster config (lib/cluster.js): failure-timeout = 2s, down-after = 2s.
const FAILURE_TIMEOUT_MS = 2000;
const DOWN_AFTER_MS = 2000;
// Documented: crash to member_removed = failure-timeout + down-after + ~2 s of gossip. The assertion allows 3 s
// more for this 2-core machine, which runs other suites beside this one; the measured figure is reported.
const PRESENCE_BOUND_MS = FAILURE_TIMEOUT_MS + DOWN_AFTER_MS + 2000 + 3000;
// An event the victim answered this shortly before its kill may not have left its process: at most once there
// (on a loaded host the send to the peers can lag the HTTP answer by most of a second; docs/reliability.md).
const CRASH_RISK_MS = 2000;

describe('faults: kill -9 of a node under a steady stream of events', () => {
  const h = useCluster();

  h.test('no loss, no duplicates, clients back through nginx, presence and counts exact within the documented time', async (t) => {
    const pub = uid('crash-pub');
    const P = `presence-${uid('crash')}`;
    const stream = new EventStream({ sdk: h.sdk('lb', { timeout: 3000 }), channels: [pub, P], ratePerSecond: RATE });
    t.after(() => stream.stop()); // also when the test fails half-way
    const ledger = new Ledger(stream);
    const upstreamOf = (i) => `127.0.0.1:${h.cluster.slots[i].port}`;

    const clients = [];
    for (let k = 0; k < CLIENTS; k++) {
      const client = h.lb.pusher({ auth: { user: `c${k}`, per_socket: '1' } });
      const watch = watchConnection(client);
      await waitConnected(client);
      const entry = { label: `nginx#${k}`, k, client, watch, firstSocketId: client.connection.socket_id };
      entry.node = await h.cluster.nodeOfSocket(entry.firstSocketId);
      entry.ledger = ledger.track(entry.label, client, [pub, P]);
      clients.push(entry);
    }
    const userIds = () => clients.map((c) => `c${c.k}@${c.client.connection.socket_id}`).sort();
    await waitFor(() => clients.every((c) => [pub, P].every((n) => c.client.channel(n).subscribed)), 15000, 'every client subscribed to both channels');
    await waitFor(() => clients.every((c) => c.client.channel(P).members.count === CLIENTS), 15000, `every client to see ${CLIENTS} members`);

    const perNode = [0, 1, 2].map((n) => clients.filter((c) => c.node === n).length);
    // node0 is the first seed; a node other than it is the victim (the first seed is not special after a crash,
    // but the partition suite must avoid it, and both suites then measure the same kind of victim).
    const victim = perNode[2] > 0 ? 2 : 1;
    const survivors = [0, 1, 2].filter((i) => i !== victim);
    assert.ok(perNode[victim] > 0 && clients.some((c) => c.node !== victim), `nginx spread the clients: ${JSON.stringify(perNode)}`);
    const onVictim = clients.filter((c) => c.node === victim);
    const elsewhere = clients.filter((c) => c.node !== victim);

    stream.start();
    await stream.waitAccepted(2 * RATE);
    const killAt = Date.now();
    await h.cluster.crashNode(victim);
    ledger.allow((e) => e.origin === upstreamOf(victim) && e.ackAt > killAt - CRASH_RISK_MS);

    // The victim's clients: back through nginx on a surviving node, subscribed again to both channels.
    for (const c of onVictim) {
      await waitFor(
        () => c.client.connection.state === 'connected' && c.client.connection.socket_id !== c.firstSocketId && [pub, P].every((n) => c.ledger.channels.get(n).intervals.length >= 2),
        20000,
        () => `${c.label} to reconnect through nginx and re-subscribe (states ${c.watch.states.join('>')})`
      );
      c.newNode = await h.cluster.nodeOfSocket(c.client.connection.socket_id);
      assert.notEqual(c.newNode, victim, `${c.label} reconnected to the dead node`);
      c.backMs = Math.max(...[pub, P].map((n) => c.ledger.channels.get(n).intervals[1].from)) - killAt;
    }
    const backMs = onVictim.map((c) => c.backMs);
    const closedMs = onVictim.map((c) => c.ledger.channels.get(pub).intervals[0].to - killAt);

    // Presence, counts and metrics exact on every surviving node and through nginx.
    const expected = userIds();
    let last = null;
    await waitFor(
      async () => {
        last = await Promise.all([...survivors, 'lb'].map(async (target) => ({ target, pub: await channelState(h.sdk(target), pub), P: await channelState(h.sdk(target), P) })));
        return last.every(
          (a) => a.P.info.user_count === CLIENTS && a.P.info.subscription_count === CLIENTS && a.P.users.join('|') === expected.join('|') && a.pub.info.subscription_count === CLIENTS && a.P.listed && a.pub.listed
        );
      },
      PRESENCE_BOUND_MS + 10000,
      () => `exact presence and counts on node${survivors.join(', node')} and nginx (expected ${JSON.stringify(expected)}; last ${JSON.stringify(last)})`
    );
    const presenceMs = Date.now() - killAt;
    await waitFor(() => clients.every((c) => c.client.channel(P).members.count === CLIENTS && Object.keys(c.client.channel(P).members.members).sort().join('|') === expected.join('|')), 10000, "every client's member list to be exact");
    const membersMs = Date.now() - killAt;
    let m = null;
    await waitFor(
      async () => {
        m = await Promise.all(survivors.map(async (i) => figures(await metrics(h.cluster.slots[i].httpBase))));
        const sum = (k) => m.reduce((a, f) => a + f[k], 0);
        return m.every((f) => f.up === 2 && f.members === 2 && f.unreachable === 0 && f.presenceCluster === CLIENTS) && sum('connected') === CLIENTS && sum('subscriptions') === 2 * CLIENTS && sum('presenceNode') === CLIENTS;
      },
      10000,
      () => `/metrics of the survivors: two members Up, ${CLIENTS} connections and members (last ${JSON.stringify(m)})`
    );

    // The stream goes on for a while after everything is settled, then every required delivery must be in.
    await stream.waitAccepted(2 * RATE);
    await stream.stop();
    const r = await ledger.settle(10000);
    const s = stream.summary();
    t.diagnostic(`victim node${victim}; clients per node ${JSON.stringify(perNode)}; stream ${JSON.stringify(s)}`);
    t.diagnostic(`victim's sockets closed ${Math.min(...closedMs)}-${Math.max(...closedMs)} ms after the kill; reconnected and re-subscribed after the kill: min ${Math.min(...backMs)} ms, max ${Math.max(...backMs)} ms; exact presence everywhere ${presenceMs} ms, in every client's list ${membersMs} ms (bound ${PRESENCE_BOUND_MS} ms)`);
    assertExactDelivery(t, r, { faultAt: killAt, riskMs: CRASH_RISK_MS });
    assert.ok(r.required > 2 * CLIENTS * RATE * 2, `enough required deliveries to mean something (${r.required})`);
    assert.ok(presenceMs <= PRESENCE_BOUND_MS, `presence exact after ${presenceMs} ms (bound ${PRESENCE_BOUND_MS} ms)`);
    // The survivors' clients kept their sockets: every event the survivors accepted reached them.
    for (const c of elsewhere) assert.deepEqual(c.watch.socketIds, [c.firstSocketId], `${c.label} on node${c.node} must not reconnect`);
    for (const c of elsewhere) {
      for (const n of [pub, P]) {
        const got = new Set(c.ledger.channels.get(n).received.map((d) => d.seq));
        const missed = stream.accepted().filter((e) => e.origin !== upstreamOf(victim) && !got.has(e.seq));
        assert.deepEqual(missed.map((e) => e.seq), [], `${c.label} ${n}: every event a surviving node accepted`);
      }
    }
  }, { timeout: 90000 });
});
