'use strict';

// Partition under load on a cluster without seeds (cluster bootstrap, config discovery): the case
// test/faults-partition.test.js leaves out. The node cut off is the one with the lowest contact point, the only
// one the join decider lets form a new cluster. As there (lib/partition-scenario.js): the majority removes it, it
// exits 75, its clients move, it is restarted while still cut off. Here it must not form a cluster of its own: for
// a hold longer than the bootstrap's stable margin its /ready and /broadcaster/status, asked from inside its
// namespace, never show it ready or Up, and its log never says it is Up. Healed, it joins the SAME cluster: the
// two majority nodes are still the incarnations the cluster formed with, and every node lists the same three
// members Up with one leader. No loss, no duplicates, presence exact.

const { describe } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { execFile } = require('node:child_process');

const { useCluster, CLUSTER_CONFIG } = require('../lib/cluster');
const { NetnsTopology } = require('../lib/netns');
const { runPartitionScenario } = require('../lib/partition-scenario');
const { waitFor } = require('../lib/wait');
const { requestText } = require('../lib/http');

// Akka.Management's bootstrap forms a new cluster once the contact points have been stable for stable-margin
// (5 s by default) and all of them answered; the restarted node is watched for longer than that, cut off.
const HOLD_MS = 9000;
const SAMPLE_EVERY_MS = 500;

const ipKey = (host) => host.split('.').map((o) => o.padStart(3, '0')).join('.');
/** The contact points in the join decider's order (host, then port): the first is the one that may form a cluster. */
const byContactPoint = (slots) => [...slots].sort((a, b) => ipKey(a.host).localeCompare(ipKey(b.host)) || a.managementPort - b.managementPort);

function statusPath() {
  const params = { auth_key: 'app-key', auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0' };
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signature = crypto.createHmac('sha256', 'app-secret').update(['GET', '/broadcaster/status', query].join('\n')).digest('hex');
  return `/broadcaster/status?${query}&auth_signature=${signature}`;
}

/** GET `url` from inside node i's namespace without blocking the event loop (the stream and the clients go on): { status, body }. */
function getInside(topology, i, url) {
  const script = `require('http').get(process.argv[1], { timeout: 4000 }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(JSON.stringify({ status: r.statusCode, body: b }))); }).on('timeout', function () { this.destroy(new Error('timeout')); }).on('error', (e) => console.log(JSON.stringify({ status: 0, body: e.message })));`;
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', topology.ns(i), process.execPath, '-e', script, url], { encoding: 'utf8', timeout: 8000 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()));
      } catch (_) {
        resolve({ status: 0, body: `${err ? err.message : ''} ${stdout}${stderr}` });
      }
    });
  });
}

/** One node's view from its status answer: who it is, whether it is Up, the members it lists and its leader. */
function viewOf(name, answer) {
  let s = null;
  try {
    s = answer.status === 200 ? JSON.parse(answer.body) : null;
  } catch (_) {}
  if (!s) return null;
  const self = `${s.self.address}#${s.self.uid}`;
  const members = s.nodes.map((n) => ({ id: `${n.address}#${n.uid}`, status: n.status }));
  const me = members.find((m) => m.id === self);
  return { node: name, self, up: Boolean(me && me.status === 'Up'), members, leader: s.leader };
}

/** Every node's view, asked from the root namespace (as nginx reaches them). */
async function views(h) {
  const ask = (s) => requestText({ options: { host: s.host, port: s.port, method: 'GET', path: statusPath(), agent: false, timeout: 4000 } }).catch(() => ({ status: 0, body: '' }));
  return Promise.all(h.cluster.slots.map(async (s) => viewOf(s.name, await ask(s))));
}

describe('faults: the lowest contact point of a cluster without seeds cut off under a steady stream of events, then healed', () => {
  const topology = new NetnsTopology({ size: 3 });
  const h = useCluster({ topology, bootstrap: true, config: CLUSTER_CONFIG });

  h.test('it exits 75, restarted while cut off it forms no cluster of its own; healed it rejoins the same cluster; no loss, no duplicates, presence exact', async (t) => {
    const order = byContactPoint(h.cluster.slots);
    const lowest = order[0];
    // Every node, from the root namespace: one cluster of the three (their incarnations, to compare after the heal).
    let before = null;
    await waitFor(async () => {
      before = await views(h);
      return before.every((v) => v && v.up && v.members.length === 3 && v.members.every((m) => m.status === 'Up'));
    }, 20000, () => `one cluster of three before the cut (last ${JSON.stringify(before)})`);

    const held = { samples: 0, ready: [], up: [], views: new Set() };
    await runPartitionScenario(t, h, topology, {
      chooseVictim: () => lowest.index,
      victimNote: `lowest contact point ${lowest.host}:${lowest.managementPort}; order ${order.map((s) => s.name).join(', ')}`,
      // The restarted node, still cut off: polled from inside its namespace for HOLD_MS, never ready nor Up.
      whileCutOff: async ({ victim, slot }) => {
        const end = Date.now() + HOLD_MS;
        while (Date.now() < end) {
          const at = Date.now();
          const [ready, status] = await Promise.all([getInside(topology, victim, `http://${slot.host}:${slot.port}/ready`), getInside(topology, victim, `http://${slot.host}:${slot.port}${statusPath()}`)]);
          held.samples++;
          if (ready.status !== 503) held.ready.push(`${new Date(at).toISOString()} ${ready.status} ${ready.body}`);
          const v = viewOf(slot.name, status);
          if (v) held.views.add(`${v.members.length} member(s)`);
          if (v && (v.up || v.members.some((m) => m.status === 'Up'))) held.up.push(`${new Date(at).toISOString()} ${JSON.stringify(v)}`);
          await new Promise((r) => setTimeout(r, Math.max(0, SAMPLE_EVERY_MS - (Date.now() - at))));
        }
        assert.ok(slot.up, `${slot.name} still running at the end of the hold:\n${slot.server.output(30)}`);
        assert.ok(held.samples >= HOLD_MS / 2000, `${slot.name} sampled throughout the hold (${held.samples} samples)`);
        assert.deepEqual(held.ready, [], `${slot.name}, cut off, never answered /ready other than 503`);
        assert.deepEqual(held.up, [], `${slot.name}, cut off, was never Up in a cluster (of its own)`);
        assert.doesNotMatch(slot.server.output(400), /This node is Up in the cluster/, `${slot.name}, cut off, never logged that it is Up`);
        return `cut off after the restart: ${held.samples} samples over ${HOLD_MS} ms from inside its namespace, /ready always 503, never Up (status views: ${[...held.views].join(', ') || 'none answered'})`;
      },
      // Healed: the same cluster, i.e. the majority's incarnations unchanged, the victim a new one, one view everywhere.
      afterHeal: async ({ victim }) => {
        let after = null;
        await waitFor(async () => {
          after = await views(h);
          if (after.some((v) => !v || !v.up)) return false;
          const selves = after.map((v) => v.self).sort().join(' ');
          return after.every((v) => v.members.map((m) => m.id).sort().join(' ') === selves && v.members.every((m) => m.status === 'Up') && v.leader === after[0].leader);
        }, 20000, () => `every node to list the same three members Up with one leader (last ${JSON.stringify(after)})`);
        for (const i of [0, 1, 2].filter((x) => x !== victim)) assert.equal(after[i].self, before[i].self, `${after[i].node} is the incarnation the cluster formed with`);
        assert.notEqual(after[victim].self, before[victim].self, `${after[victim].node} rejoined as a new incarnation`);
        const upLine = (h.cluster.slots[victim].server.output(400).match(/This node is Up in the cluster[^\n]*/) || ['(no line)'])[0];
        return `after the heal: one cluster of ${after[0].members.length}, leader ${after[0].leader}; ${after[victim].node}: ${upLine}`;
      },
    });
  }, { timeout: 120000 });
});
