'use strict';

// Three Broadcaster node processes forming one Akka.NET cluster, behind a real nginx.
// pusher-js clients connect straight to each node and through nginx; the official `pusher`
// SDK triggers on one node; everything must behave as if there were one server.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster } = require('../lib/cluster');
const { subscribe, uid } = require('../lib/clients');
const { waitFor, waitForEvent, Recorder } = require('../lib/wait');

const TARGETS = [0, 1, 2, 'lb'];
const targetName = (t) => (t === 'lb' ? 'nginx' : `node${t}`);

/** GET on the HTTP API of one target through the SDK; resolves the parsed body (throws on non-2xx). */
async function apiGet(h, target, path, params) {
  const res = await h.sdk(target).get({ path, params });
  assert.equal(res.status, 200, `${targetName(target)} GET ${path}`);
  return res.json();
}

/** Subscribes every entry of `list` ({ client }) to `name`, recording `events`; sets entry.channel/entry.rec. */
async function subscribeAll(list, name, events) {
  for (const entry of list) {
    const { channel } = await subscribe(entry.client, name);
    entry.channel = channel;
    entry.rec = new Recorder();
    for (const e of events) entry.rec.record(channel, e);
  }
}

describe('cluster of three nodes behind nginx', () => {
  const h = useCluster();

  h.test('every client on every node (and via nginx) gets every SDK event exactly once; socket_id exclusion crosses nodes', async () => {
    const name = uid('fanout');
    const all = [];
    for (const node of [0, 1, 2]) {
      for (let k = 0; k < 2; k++) all.push({ label: `node${node}#${k}`, node, client: await h.node(node).connect() });
    }
    for (let k = 0; k < 4; k++) {
      const client = await h.lb.connect();
      all.push({ label: `nginx#${k}`, node: await h.cluster.nodeOfSocket(client.connection.socket_id), client });
    }
    const lbNodes = new Set(all.filter((e) => e.label.startsWith('nginx')).map((e) => e.node));
    assert.ok(lbNodes.size >= 2, `nginx must spread clients over the nodes (went to ${[...lbNodes]})`);
    await subscribeAll(all, name, ['news', 'excl', 'barrier']);

    const payloads = [
      { n: 1, text: 'héllo 🌍 “quotes” \\ </script>', nested: { list: [1, 2.5, -3], flag: true, nothing: null } },
      'a raw string, not JSON',
      { n: 3, big: 'x'.repeat(5000) },
    ];
    const sdk = h.sdk(0);
    for (const p of payloads) assert.equal((await sdk.trigger(name, 'news', p)).status, 200);
    await sdk.trigger(name, 'barrier', { b: 1 });
    for (const e of all) await e.rec.waitForCount('barrier', 1, 10000);
    for (const e of all) {
      assert.deepEqual(e.rec.of('news').map((x) => x.data), payloads, `${e.label} (on node${e.node}) must get each event once, in order, intact`);
    }

    // Exclusion of a socket that lives on another node than the ingress node.
    const excluded = all.find((e) => e.node === 2);
    const res = await sdk.trigger(name, 'excl', { v: 1 }, { socket_id: excluded.client.connection.socket_id });
    assert.equal(res.status, 200);
    await sdk.trigger(name, 'barrier', { b: 2 });
    for (const e of all) await e.rec.waitForCount('barrier', 2, 10000);
    for (const e of all) {
      assert.equal(e.rec.count('excl'), e === excluded ? 0 : 1, `${e.label}: 'excl' count (excluded: ${excluded.label})`);
    }
  });

  h.test('events triggered on one node reach clients on the other nodes in trigger order', async () => {
    const name = uid('order');
    const receivers = [
      { label: 'node0', client: await h.node(0).connect() },
      { label: 'node2', client: await h.node(2).connect() },
      { label: 'node1 (ingress)', client: await h.node(1).connect() },
      { label: 'nginx#0', client: await h.lb.connect() },
      { label: 'nginx#1', client: await h.lb.connect() },
    ];
    await subscribeAll(receivers, name, ['seq', 'batch', 'barrier']);
    const sdk = h.sdk(1);

    // 50 sequentially awaited triggers: strict order.
    for (let i = 0; i < 50; i++) await sdk.trigger(name, 'seq', { i });
    await sdk.trigger(name, 'barrier', { b: 1 });
    const expectedSeq = Array.from({ length: 50 }, (_, i) => i);
    for (const r of receivers) {
      await r.rec.waitForCount('barrier', 1, 10000);
      assert.deepEqual(r.rec.of('seq').map((e) => e.data.i), expectedSeq, `${r.label}: sequential triggers out of order`);
    }

    // 50 more, fired without waiting: five triggerBatch requests of 10 items, started in order.
    const batches = [];
    for (let b = 0; b < 5; b++) {
      batches.push(Array.from({ length: 10 }, (_, i) => ({ channel: name, name: 'batch', data: { b, i, n: b * 10 + i } })));
    }
    const results = await Promise.all(batches.map((batch) => sdk.triggerBatch(batch)));
    for (const r of results) assert.equal(r.status, 200);
    await sdk.trigger(name, 'barrier', { b: 2 });
    let reference = null;
    for (const r of receivers) {
      await r.rec.waitForCount('barrier', 2, 10000);
      const got = r.rec.of('batch').map((e) => e.data.n);
      assert.equal(got.length, 50, `${r.label}: 50 batch items exactly once (got ${got.length})`);
      assert.deepEqual([...got].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i), `${r.label}: every item once`);
      for (let b = 0; b < 5; b++) {
        const ofBatch = got.filter((n) => Math.floor(n / 10) === b);
        assert.deepEqual(ofBatch, Array.from({ length: 10 }, (_, i) => b * 10 + i), `${r.label}: items of batch ${b} out of array order`);
      }
      // Concurrent requests may be accepted in any order, but once accepted by node1 every
      // connection on every node must see that same order.
      if (reference === null) reference = got;
      else assert.deepEqual(got, reference, `${r.label} saw another order than ${receivers[0].label}`);
    }
  });

  h.test('no loss window: an event triggered on another node right at subscription_succeeded arrives (20 fresh channels)', async () => {
    const direct = await h.node(1).connect();
    const viaLb = await h.lb.connect();
    const lbNode = await h.cluster.nodeOfSocket(viaLb.connection.socket_id);
    const rounds = [];
    for (let r = 0; r < 20; r++) {
      const useLb = r % 2 === 1;
      const client = useLb ? viaLb : direct;
      const clientNode = useLb ? lbNode : 1;
      const triggerNode = (clientNode + 1 + (r % 4 < 2 ? 0 : 1)) % 3; // always a different node
      const name = r % 3 === 0 ? `private-${uid('gap')}` : uid('gap');
      const channel = client.subscribe(name);
      const got = waitForEvent(channel, 'first', 10000, `round ${r}: '${name}' on node${clientNode}, triggered on node${triggerNode}`);
      const triggered = new Promise((resolve, reject) => {
        channel.bind('pusher:subscription_succeeded', () => {
          h.sdk(triggerNode).trigger(name, 'first', { r }).then(resolve, reject);
        });
        channel.bind('pusher:subscription_error', (err) => reject(new Error(`round ${r}: subscription_error ${JSON.stringify(err)}`)));
      });
      const res = await triggered;
      assert.equal(res.status, 200);
      const { data } = await got;
      assert.deepEqual(data, { r });
      rounds.push({ r, clientNode, triggerNode });
      client.unsubscribe(name);
    }
    assert.equal(rounds.length, 20);
    assert.ok(rounds.some((x) => x.clientNode !== 1), 'some rounds went through nginx to another node');
  });

  h.test('presence is exact cluster-wide: snapshots, member_added/removed, one user on two nodes is one member, identical HTTP answers', async () => {
    const P = `presence-${uid('room')}`;
    const subs = {}; // user label -> { client, channel, rec, target }
    const connectMember = async (label, target, user) => {
      const pool = target === 'lb' ? h.lb : h.node(target);
      const client = await pool.connect({ auth: { user, name: `Name ${user}` } });
      const entry = { label, user, target, client };
      entry.rec = new Recorder();
      const channel = client.subscribe(P);
      entry.rec.record(channel, 'pusher:member_added', 'added').record(channel, 'pusher:member_removed', 'removed');
      const { data } = await subscribe(client, P, 10000);
      entry.channel = channel;
      entry.members = data;
      subs[label] = entry;
      return entry;
    };
    const ids = (members) => Object.keys(members.members).sort();
    const addedIds = (e) => e.rec.of('added').map((x) => x.data.id);
    const removedIds = (e) => e.rec.of('removed').map((x) => x.data.id);
    const waitAllSaw = async (who, kind, userId, count = 1) => {
      for (const e of who) {
        await waitFor(() => e.rec.of(kind).filter((x) => x.data.id === userId).length >= count, 30000, () => `${e.label} (${targetName(e.target)}) to see ${kind} ${userId} (${kind}: ${JSON.stringify(e.rec.of(kind).map((x) => x.data.id))})`);
      }
    };

    // One user per node plus one through nginx; each snapshot lists the members of every node.
    const order = [
      ['u1', 0],
      ['u2', 1],
      ['u3', 2],
      ['u4', 'lb'],
    ];
    const joined = [];
    for (const [user, target] of order) {
      const e = await connectMember(user, target, user);
      assert.deepEqual(ids(e.members), [...joined.map((j) => j.user), user].sort(), `${user} on ${targetName(target)}: subscription_succeeded must list the members of every node`);
      assert.deepEqual(e.members.members[user], { name: `Name ${user}` });
      for (const j of joined) assert.deepEqual(e.members.members[j.user], { name: `Name ${j.user}` }, 'user_info crosses nodes');
      await waitAllSaw(joined, 'added', user);
      joined.push(e);
    }
    for (const e of joined) assert.equal(e.channel.members.count, 4, `${e.label} sees 4 members`);

    // u5 on node1 and again on node2: one member, one member_added.
    const u5a = await connectMember('u5a', 1, 'u5');
    await waitAllSaw(joined, 'added', 'u5');
    const u5b = await connectMember('u5b', 2, 'u5');
    assert.deepEqual(ids(u5b.members), ['u1', 'u2', 'u3', 'u4', 'u5']);
    // Barrier from node2 (deltas of one node are ordered): u6 joins there after u5's second tab.
    const u6 = await connectMember('u6', 2, 'u6');
    const watchers = [...joined, u5a];
    await waitAllSaw(watchers, 'added', 'u6');
    for (const e of joined) assert.deepEqual(addedIds(e).filter((id) => id === 'u5'), ['u5'], `${e.label}: one member_added for u5 with two connections`);
    assert.deepEqual(addedIds(u5a), ['u6'], 'u5 first tab: no member_added for its own second tab');

    // Close u5's node1 tab: not the last connection, so no member_removed anywhere.
    u5a.client.disconnect();
    await waitFor(
      async () => (await apiGet(h, 1, `/channels/${P}`, { info: 'subscription_count' })).subscription_count === 6,
      10000,
      'subscription_count 6 after closing u5 tab on node1'
    );
    const u7 = await connectMember('u7', 1, 'u7'); // barrier from node1, after u5a's leave
    await waitAllSaw([...joined, u5b, u6], 'added', 'u7');
    for (const e of [...joined, u5b, u6]) assert.deepEqual(removedIds(e), [], `${e.label}: closing one of u5's two connections must not remove u5`);

    // Close the last u5 connection (node2): exactly one member_removed everywhere.
    u5b.client.disconnect();
    const remaining = [...joined, u6, u7];
    await waitAllSaw(remaining, 'removed', 'u5');
    const u8 = await connectMember('u8', 2, 'u8'); // barrier from node2
    await waitAllSaw(remaining, 'added', 'u8');
    for (const e of remaining) {
      assert.deepEqual(removedIds(e), ['u5'], `${e.label} (${targetName(e.target)}): exactly one member_removed, for u5`);
      assert.equal(e.channel.members.count, 7, `${e.label}: 7 members`);
    }
    assert.deepEqual(ids(u8.members), ['u1', 'u2', 'u3', 'u4', 'u6', 'u7', 'u8']);

    // A second presence channel: one user on two nodes plus another through nginx.
    const P2 = `presence-${uid('side')}`;
    const x0 = await h.node(0).connect({ auth: { user: 'x' } });
    const x2 = await h.node(2).connect({ auth: { user: 'x' } });
    const y = await h.lb.connect({ auth: { user: 'y' } });
    await subscribe(x0, P2);
    await subscribe(x2, P2);
    const { data: ySnapshot } = await subscribe(y, P2);
    assert.deepEqual(ids(ySnapshot), ['x', 'y']);
    const pub = uid('public-not-presence');
    await subscribe(y, pub);

    const expectedUsers = ['u1', 'u2', 'u3', 'u4', 'u6', 'u7', 'u8'];
    const expectedChannel = { occupied: true, user_count: 7, subscription_count: 7 };
    // P's state is proven settled on every node by the barriers above: ask without retrying.
    for (const t of TARGETS) {
      const info = await apiGet(h, t, `/channels/${P}`, { info: 'user_count,subscription_count' });
      assert.deepEqual(info, expectedChannel, `${targetName(t)}: GET /channels/${P}?info=user_count,subscription_count`);
      const users = await apiGet(h, t, `/channels/${P}/users`);
      assert.deepEqual(users.users.map((u) => u.id).sort(), expectedUsers, `${targetName(t)}: /users`);
      assert.equal(users.users.length, expectedUsers.length, `${targetName(t)}: /users lists each user once`);
    }
    // P2 was just built: allow a bounded moment for it, then all four answers must be identical and exact.
    let last = null;
    await waitFor(
      async () => {
        const answers = await Promise.all(
          TARGETS.map(async (t) => ({
            list: await apiGet(h, t, '/channels', { filter_by_prefix: 'presence-', info: 'user_count' }),
            p2: await apiGet(h, t, `/channels/${P2}`, { info: 'user_count,subscription_count' }),
            p2users: (await apiGet(h, t, `/channels/${P2}/users`)).users.map((u) => u.id).sort(),
          }))
        );
        last = answers;
        return answers.every(
          (a) =>
            a.list.channels[P] &&
            a.list.channels[P].user_count === 7 &&
            a.list.channels[P2] &&
            a.list.channels[P2].user_count === 2 &&
            a.p2.user_count === 2 &&
            a.p2.subscription_count === 3 &&
            a.p2users.join() === 'x,y'
        );
      },
      10000,
      () => `identical exact answers for ${P2} on every node (last: ${JSON.stringify(last)})`
    );
    for (let i = 1; i < last.length; i++) {
      assert.deepEqual(last[i], last[0], `${targetName(TARGETS[i])} and node0 disagree`);
    }
    // The list carries each channel's counts whether or not info asks for them (as soketi does).
    assert.deepEqual(last[0].list.channels[P], { user_count: 7, subscription_count: 7 });
    assert.deepEqual(last[0].list.channels[P2], { user_count: 2, subscription_count: 3 });
    assert.equal(last[0].list.channels[pub], undefined, 'filter_by_prefix=presence- excludes public channels');
    assert.deepEqual(last[0].p2, { occupied: true, user_count: 2, subscription_count: 3 });
  });

  h.test('client events on private and presence channels cross nodes, never echo to the sender, carry user_id on presence', async () => {
    // Private channel: senders on node0 and node1, each with a witness on its own node.
    const name = `private-${uid('chat')}`;
    const members = [
      { label: 'A@node0', client: await h.node(0).connect() },
      { label: 'A2@node0', client: await h.node(0).connect() },
      { label: 'B@node1', client: await h.node(1).connect() },
      { label: 'B2@node1', client: await h.node(1).connect() },
      { label: 'C@node2', client: await h.node(2).connect() },
      { label: 'D@nginx', client: await h.lb.connect() },
    ];
    await subscribeAll(members, name, ['client-msg', 'barrier']);
    const [A, A2, B, B2] = members;

    assert.equal(A.channel.trigger('client-msg', { from: 'A', text: 'héllo ✍️' }), true);
    for (const m of members) if (m !== A) await m.rec.waitForCount('client-msg', 1, 10000);
    assert.equal(B.channel.trigger('client-msg', { from: 'B' }), true);
    for (const m of members) if (m !== B) await m.rec.waitForCount('client-msg', m === A ? 1 : 2, 10000);
    // The witnesses on the senders' nodes got both, so the local fan-out of both is done; a server
    // event afterwards reaches every connection behind anything that fan-out could have queued.
    await h.sdk(2).trigger(name, 'barrier', {});
    for (const m of members) await m.rec.waitForCount('barrier', 1, 10000);
    for (const m of members) {
      const froms = m.rec.of('client-msg').map((e) => e.data.from);
      const expected = m === A ? ['B'] : m === B ? ['A'] : ['A', 'B'];
      assert.deepEqual(froms, expected, `${m.label}: client events received (never its own)`);
    }
    assert.deepEqual(A2.rec.of('client-msg')[0].data, { from: 'A', text: 'héllo ✍️' });
    assert.deepEqual(B2.rec.of('client-msg')[0].data, { from: 'A', text: 'héllo ✍️' });

    // Presence channel: the receivers get the sender's user_id as metadata.
    const P = `presence-${uid('typing')}`;
    const people = [
      { label: 'ua@node1', client: await h.node(1).connect({ auth: { user: 'ua' } }) },
      { label: 'ua-witness@node1', client: await h.node(1).connect({ auth: { user: 'ua-witness' } }) },
      { label: 'ub@node2', client: await h.node(2).connect({ auth: { user: 'ub' } }) },
      { label: 'uc@node0', client: await h.node(0).connect({ auth: { user: 'uc' } }) },
      { label: 'ud@nginx', client: await h.lb.connect({ auth: { user: 'ud' } }) },
    ];
    await subscribeAll(people, P, ['client-typing', 'barrier']);
    const [ua] = people;
    assert.equal(ua.channel.trigger('client-typing', { typing: true }), true);
    for (const p of people.slice(1)) {
      const [got] = await p.rec.waitForCount('client-typing', 1, 10000);
      assert.deepEqual(got.data, { typing: true });
      assert.ok(got.meta, `${p.label}: metadata passed`);
      assert.equal(got.meta.user_id, 'ua', `${p.label}: user_id of the sender`);
    }
    await h.sdk(0).trigger(P, 'barrier', {});
    for (const p of people) await p.rec.waitForCount('barrier', 1, 10000);
    assert.equal(ua.rec.count('client-typing'), 0, 'client events must not be echoed to the sender');
    for (const p of people.slice(1)) assert.equal(p.rec.count('client-typing'), 1, `${p.label}: exactly once`);
  });
});
