'use strict';

// A cluster without a seed list: three real node processes find each other through Akka.Management's cluster
// bootstrap (the config discovery method, listing the three management endpoints), started one after another in a
// shuffled order. They form one cluster, deliver across nodes, and a rolling restart of every node, the one with the
// lowest address included, under a steady stream of events, never leaves two clusters: every node's view of the
// members is sampled throughout and any two Up nodes must always be in one cluster.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const { useCluster, CLUSTER_CONFIG } = require('../lib/cluster');
const { requestText } = require('../lib/http');
const { subscribe, uid } = require('../lib/clients');
const { waitFor, Recorder } = require('../lib/wait');
const { dllPath } = require('../lib/server');
const { runProcess } = require('../lib/tls');

const ORDER = [0, 1, 2].sort(() => Math.random() - 0.5);
const START_DELAY_MS = 1500;
const h = useCluster({ bootstrap: true, nginx: false, order: ORDER, delayMs: START_DELAY_MS, config: CLUSTER_CONFIG });

/** GET /broadcaster/status of a node, signed with the app's key and secret: { self, leader, nodes } or null. */
async function statusOf(slot, timeoutMs = 4000) {
  const params = { auth_key: 'app-key', auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0' };
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = crypto.createHmac('sha256', 'app-secret').update(['GET', '/broadcaster/status', query].join('\n')).digest('hex');
  try {
    const res = await requestText({
      options: { host: '127.0.0.1', port: slot.port, method: 'GET', path: `/broadcaster/status?${query}&auth_signature=${signature}`, agent: false, timeout: timeoutMs },
    });
    return res.status === 200 ? JSON.parse(res.body) : null;
  } catch (_) {
    return null;
  }
}

const idOf = (address, uidValue) => `${address}#${uidValue}`;

/** One node's view: who it is, whether it is Up in its own view, and every member it lists (any status). */
function viewOf(slot, status) {
  if (!status) return null;
  const self = idOf(status.self.address, status.self.uid);
  const members = status.nodes.map((n) => ({ id: idOf(n.address, n.uid), status: n.status }));
  const me = members.find((m) => m.id === self);
  return { node: slot.name, self, up: Boolean(me && me.status === 'Up'), members: new Set(members.map((m) => m.id)), leader: status.leader, raw: members };
}

/**
 * Two Up nodes are in one cluster when at least one lists the other (a node that just joined lists the nodes that
 * took it in, before their gossip names it). In two clusters neither lists the other.
 */
function splits(views) {
  const up = views.filter((v) => v && v.up);
  const found = [];
  for (let i = 0; i < up.length; i++) {
    for (let j = i + 1; j < up.length; j++) {
      const a = up[i];
      const b = up[j];
      if (a.self !== b.self && !a.members.has(b.self) && !b.members.has(a.self)) found.push(`${a.node} [${[...a.members]}] and ${b.node} [${[...b.members]}]`);
    }
  }
  return found;
}

/** Every running node lists exactly the current incarnation of every node, all Up and reachable, with one leader. */
async function assertOneClusterOfAll(what) {
  let last = [];
  await waitFor(
    async () => {
      last = await Promise.all(h.cluster.slots.map(async (s) => viewOf(s, await statusOf(s))));
      if (last.some((v) => !v || !v.up)) return false;
      const selves = last.map((v) => v.self).sort();
      return last.every((v) => [...v.members].sort().join(' ') === selves.join(' ') && v.raw.every((m) => m.status === 'Up') && v.leader === last[0].leader);
    },
    30000,
    () => `${what}: every node to list the three current nodes Up with one leader (last views: ${JSON.stringify(last.map((v) => v && { node: v.node, self: v.self, members: v.raw, leader: v.leader }))})`
  );
  return last;
}

/** Clients on every node subscribed to one channel; an event triggered on each node reaches every one of them. */
async function assertDeliveryEverywhere(label) {
  const channel = uid(`bootstrap-${label}`);
  const recs = [];
  for (const slot of h.cluster.slots) {
    const client = await h.node(slot.index).connect();
    const rec = new Recorder();
    rec.record((await subscribe(client, channel, 10000)).channel, 'ping');
    recs.push({ node: slot.name, rec });
  }
  for (const slot of h.cluster.slots) assert.equal((await h.sdk(slot.index).trigger(channel, 'ping', { from: slot.name })).status, 200);
  for (const { node, rec } of recs) {
    await rec.waitForCount('ping', 3, 10000);
    assert.deepEqual(rec.of('ping').map((e) => e.data.from).sort(), h.cluster.slots.map((s) => s.name).sort(), `${node}: one event from every node`);
  }
}

/** One event every 50 ms through a running node, in turn, until stop() (which resolves the counts). */
function startLoad(channel) {
  let loading = true;
  const sent = { ok: 0, failed: 0 };
  const done = (async () => {
    for (let n = 0; loading; n++) {
      const up = h.cluster.slots.filter((s) => s.up);
      const target = up[n % Math.max(1, up.length)];
      if (target) {
        try {
          const res = await h.sdk(target.index).trigger(channel, 'load', { n, via: target.name });
          if (res.status === 200) sent.ok++;
          else sent.failed++;
        } catch (_) {
          sent.failed++; // the node stopped under the request
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      loading = false;
      await done;
      return sent;
    },
  };
}

/** Every running node's view of the members, all nodes at once, every ~300 ms until stop() (which resolves the rounds and splits). */
function startSampler() {
  let sampling = true;
  const rounds = [];
  const found = [];
  const done = (async () => {
    while (sampling) {
      const at = Date.now();
      const views = await Promise.all(h.cluster.slots.map(async (s) => (s.up ? viewOf(s, await statusOf(s, 2000)) : null)));
      rounds.push(views);
      for (const split of splits(views)) found.push(`${new Date(at).toISOString()}: ${split}`);
      await new Promise((r) => setTimeout(r, Math.max(0, 300 - (Date.now() - at))));
    }
  })();
  return {
    stop: async () => {
      sampling = false;
      await done;
      return { rounds, found };
    },
  };
}

/** `minRounds`: sampling rounds with two or more nodes Up that show the views were watched throughout. */
function assertNeverTwoClusters(t, { rounds, found }, sent, minRounds) {
  const sampled = rounds.filter((r) => r.filter((v) => v && v.up).length >= 2).length;
  t.diagnostic(`${rounds.length} sampling rounds (${sampled} with two or more nodes Up), ${sent.ok} events accepted, ${sent.failed} refused or cut`);
  assert.deepEqual(found, [], 'no moment at which two Up nodes were in two clusters');
  assert.ok(sampled >= minRounds, `the views were sampled throughout the restart (${sampled} rounds with two or more nodes Up)`);
  assert.ok(sent.ok >= 50, `events kept flowing during the restart (${sent.ok} accepted)`);
}

h.test('three nodes with no seed list, started one by one in a shuffled order, form one cluster', async (t) => {
  const slots = h.cluster.slots;
  const lowest = [...slots].sort((a, b) => a.managementPort - b.managementPort)[0];
  t.diagnostic(`start order ${ORDER.map((i) => slots[i].name).join(', ')} (${START_DELAY_MS} ms apart); lowest contact point ${lowest.name}`);
  for (const slot of slots) {
    const out = slot.server.output(400);
    assert.doesNotMatch(out, /--seed/, `${slot.name} was started without seeds`);
    assert.match(out, /bootstrap by discovery method config/, `${slot.name} logs how it finds the others`);
    assert.match(out, /This node is Up in the cluster as akka\.tcp:\/\/broadcaster@127\.0\.0\.1:\d+ with \d+ member\(s\), found through discovery method config/, `${slot.name} logs when it is Up`);
  }
  const views = await assertOneClusterOfAll('after the start');
  assert.equal(views[0].members.size, 3);
  await assertDeliveryEverywhere('formed');
});

h.test(
  'a rolling restart of every node under a steady stream of events never leaves two clusters',
  async (t) => {
    // The check below does see two clusters: two Up nodes that list only themselves.
    const alone = (node, self) => ({ node, self, up: true, members: new Set([self]) });
    assert.equal(splits([alone('a', 'x#1'), alone('b', 'y#2')]).length, 1, 'two clusters of one are a split');
    assert.deepEqual(splits([alone('a', 'x#1'), { ...alone('b', 'y#2'), members: new Set(['x#1', 'y#2']) }]), [], 'a node that lists the other is one cluster with it');

    const slots = h.cluster.slots;
    const lowest = [...slots].sort((a, b) => a.managementPort - b.managementPort)[0];
    // The lowest contact point first: it is the one node allowed to form a new cluster, so the riskiest to restart.
    const order = [lowest.index, ...slots.map((s) => s.index).filter((i) => i !== lowest.index)];

    const channel = uid('bootstrap-load');
    const listeners = [];
    for (const slot of slots) {
      const client = await h.node(slot.index).connect();
      const rec = new Recorder();
      rec.record((await subscribe(client, channel, 10000)).channel, 'load');
      listeners.push({ node: slot.name, client, rec });
    }

    const load = startLoad(channel);
    const sampler = startSampler();
    let samples;
    let sent;
    const uids = {};
    try {
      for (const index of order) {
        const slot = slots[index];
        const before = viewOf(slot, await statusOf(slot));
        await h.cluster.stopNode(index);
        await h.cluster.startNode(index, { waitReady: false });
        // Up again as a new incarnation, and every node linked to every other before the next one goes.
        await waitFor(async () => {
          const v = viewOf(slot, await statusOf(slot, 2000));
          return v && v.up && v.self !== before.self;
        }, 30000, `${slot.name} to be Up again as a new incarnation`);
        await h.cluster.waitReady(30000);
        uids[slot.name] = viewOf(slot, await statusOf(slot)).self;
        t.diagnostic(`${slot.name} restarted: ${before.self} -> ${uids[slot.name]}`);
      }
    } finally {
      samples = await sampler.stop();
      sent = await load.stop();
    }
    assertNeverTwoClusters(t, samples, sent, 20);

    // Afterwards: one cluster of the three new incarnations, and events from every node reach every node.
    const views = await assertOneClusterOfAll('after the rolling restart');
    for (const slot of slots) assert.ok(views.some((v) => v.self === uids[slot.name]), `${slot.name} is its restarted incarnation`);
    for (const l of listeners) {
      await waitFor(() => l.client.connection.state === 'connected', 20000, `${l.node}'s listener to reconnect`);
      assert.ok(l.rec.count('load') > 0, `${l.node}'s listener received events of the stream`);
    }
    await assertDeliveryEverywhere('restarted');
  },
  { timeout: 120000 }
);

h.test(
  'the `restart` command restarts every node of a cluster without seeds, one after another, and never leaves two clusters',
  async (t) => {
    const slots = h.cluster.slots;
    const before = await assertOneClusterOfAll('before the restart');
    // A supervisor's part: a node that exits with 75 is started again on its ports.
    let supervising = true;
    const exits = [];
    const supervise = (slot) =>
      slot.server.exitPromise.then(async ({ code }) => {
        exits.push({ node: slot.name, code });
        if (!supervising || code !== 75) return;
        await h.cluster.startNode(slot.index, { waitReady: false });
        supervise(slot);
      });
    for (const slot of slots) supervise(slot);

    const load = startLoad(uid('bootstrap-command'));
    const sampler = startSampler();
    let samples;
    let sent;
    try {
      const res = await runProcess('dotnet', [dllPath(), 'restart', '--port', String(slots[1].port), '--config', slots[1].server.configFile], {
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
        timeoutMs: 30000,
      });
      assert.equal(res.code, 0, `restart exit code (stdout: ${res.stdout}, stderr: ${res.stderr})`);
      await waitFor(() => slots.every((s) => exits.some((e) => e.node === s.name)), 30000, () => `every node to exit for the restart (exits: ${JSON.stringify(exits)})`);
      await waitFor(() => slots.every((s) => s.up), 30000, 'every node to be started again');
      await h.cluster.waitReady(30000);
    } finally {
      supervising = false;
      samples = await sampler.stop();
      sent = await load.stop();
    }
    // The command's slots are 4 s apart and overlap with the nodes' starts: fewer rounds see two nodes Up.
    assertNeverTwoClusters(t, samples, sent, 10);
    assert.deepEqual(exits.map((e) => e.code), [75, 75, 75], `each node exited once, with 75: ${JSON.stringify(exits)}`);
    const after = await assertOneClusterOfAll('after the restart command');
    const old = new Set(before.map((v) => v.self));
    assert.ok(after.every((v) => !old.has(v.self)), 'every node is a new incarnation');
    await assertDeliveryEverywhere('commanded');
  },
  { timeout: 120000 }
);
