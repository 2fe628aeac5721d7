'use strict';

/**
 * A Broadcaster cluster of real node processes (default three) behind a real nginx, plus the
 * per-file test harness for cluster suites.
 *
 *   const h = useCluster();
 *   h.test('...', async () => {
 *     const a = await h.node(0).connect();       // pusher-js straight to node 0
 *     const b = await h.lb.connect();            // pusher-js through nginx
 *     await h.sdk(1).trigger(...);               // official SDK against node 1 (h.sdk('lb') via nginx)
 *   });
 *
 * Every node gets the same --seed list (every node's cluster port, as the README asks) and the same
 * config, with fast failure detection so a crash turns into member_removed within seconds. With
 * `bootstrap: true` there is no seed list: every node gets a management port of its own and the config
 * discovery method listing every node's management endpoint (through the environment), and
 * `order`/`delayMs` start the nodes one after another in that order.
 * Nodes run with --debug: their log names every socket id they accept, which is how a test
 * learns which node a client that came through nginx landed on (h.cluster.nodeOfSocket()).
 */

const { before, after, afterEach } = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const assert = require('node:assert/strict');

const { startServer, portAllocator } = require('./server');
const { startNginx, nginxBinary } = require('./nginx');
const { startAuthServer } = require('./auth-server');
const { ClientPool, waitConnected, subscribe, uid, findCode } = require('./clients');
const { waitFor, Recorder } = require('./wait');
const { httpGetJson: getJson } = require('./http');
const { testWithOutput } = require('./harness');

const CLUSTER_CONFIG = `broadcaster {
  cluster { failure-timeout = 2s, down-after = 2s }
  apps = [ { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true } ]
}
`;

const READY_TIMEOUT_MS = Number(process.env.BROADCASTER_CLUSTER_READY_TIMEOUT_MS || 60000);

/** GET `url` as JSON: { status, body } (status 0 when unreachable, body null when not JSON); never rejects. */
function httpGetJson(url, timeoutMs = 2000) {
  return getJson(url, { timeoutMs });
}

/** Stable address of one node: the object survives a restart of the node on the same ports. */
class NodeSlot {
  constructor(index, port, clusterPort, managementPort = null, host = '127.0.0.1') {
    this.index = index;
    this.name = `node${index}`;
    this.host = host;
    this.port = port;
    this.clusterPort = clusterPort;
    this.managementPort = managementPort; // bootstrap clusters: the node's Akka.Management endpoint
    this.server = null; // current BroadcasterServer, or null while down
  }

  get httpBase() {
    return `http://${this.host}:${this.port}`;
  }

  get up() {
    return Boolean(this.server && !this.server.exited);
  }
}

// If the test process dies without running its after() hooks, do not leave node processes or an
// nginx behind (they would keep their ports). 'exit' handlers must be synchronous: signals only.
const liveClusters = new Set();
process.on('exit', () => {
  for (const cluster of liveClusters) {
    if (cluster.topology) cluster.topology.tearDown();
    for (const slot of cluster.slots) {
      if (slot.server && !slot.server.exited) {
        try {
          slot.server.proc.kill('SIGKILL');
        } catch (_) {
          /* gone */
        }
      }
    }
    if (cluster.nginx && !cluster.nginx.exited) {
      try {
        cluster.nginx.proc.kill('SIGTERM');
      } catch (_) {
        /* gone */
      }
    }
  }
});

class Cluster {
  constructor({ size, config, dir, bootstrap = false, topology = null }) {
    this.topology = topology;
    this.size = size;
    this.config = config;
    this.dir = dir;
    this.bootstrap = bootstrap;
    this.slots = [];
    this.seeds = [];
    this.nginx = null;
    this.lastReady = [];
  }

  /**
   * `bootstrap`: no seed list, the nodes find each other through config discovery (started in `order`, `delayMs`
   * apart, when given). `topology` (lib/netns.js): each node runs in a network namespace of its own, on its own
   * address; set up here and torn down by stop().
   */
  static async start({ size = 3, config = CLUSTER_CONFIG, nginx = true, bootstrap = false, order = null, delayMs = 0, topology = null } = {}) {
    if (nginx) nginxBinary(); // fail before starting nodes when nginx is missing
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-cluster-'));
    const cluster = new Cluster({ size, config, dir, bootstrap, topology });
    liveClusters.add(cluster);
    try {
      if (topology) topology.setUp();
      const unique = portAllocator();
      for (let i = 0; i < size; i++) {
        cluster.slots.push(new NodeSlot(i, await unique(), await unique(), bootstrap ? await unique() : null, topology ? topology.hostOf(i) : '127.0.0.1'));
      }
      cluster.seeds = bootstrap ? [] : cluster.slots.map((s) => `${s.host}:${s.clusterPort}`);
      if (order) {
        for (const [k, index] of order.entries()) {
          if (k > 0 && delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
          await cluster.startNode(index, { waitReady: false });
        }
      } else {
        // allSettled: when one node fails to start, the others have finished starting before stop() runs, so none is left behind.
        const started = await Promise.allSettled(cluster.slots.map((slot) => cluster.startNode(slot.index, { waitReady: false })));
        const failed = started.find((s) => s.status === 'rejected');
        if (failed) throw failed.reason;
      }
      await cluster.waitReady();
      if (nginx) cluster.nginx = await startNginx({ upstreams: cluster.slots.map((s) => `${s.host}:${s.port}`) });
      return cluster;
    } catch (err) {
      const out = cluster.output(40);
      await cluster.stop();
      err.message = `${err.message}\n${out}`;
      throw err;
    }
  }

  get nodes() {
    return this.slots;
  }

  upSlots() {
    return this.slots.filter((s) => s.up);
  }

  /**
   * Starts (or restarts, on the same ports) node `index`; by default waits until the cluster is ready. `waitUp:
   * false` returns once the process runs (a node started while cut off cannot be asked for /up).
   */
  async startNode(index, { waitReady = true, waitUp = true } = {}) {
    const slot = this.slots[index];
    if (slot.up) throw new Error(`${slot.name} is already running`);
    const nodeDir = path.join(this.dir, `${slot.name}-${Date.now().toString(36)}`);
    fs.mkdirSync(nodeDir, { recursive: true });
    slot.server = await startServer({
      config: this.config,
      port: slot.port,
      clusterPort: slot.clusterPort,
      seeds: this.seeds,
      debug: true,
      name: slot.name,
      tmpDir: nodeDir,
      waitUp,
      ...(this.topology ? { host: slot.host, wrap: this.topology.wrap(index) } : {}),
      env: {
        ...(this.topology ? { BROADCASTER_CLUSTER_HOSTNAME: slot.host } : {}),
        ...(this.bootstrap
          ? {
              BROADCASTER_DISCOVERY_METHOD: 'config',
              BROADCASTER_DISCOVERY_ENDPOINTS: this.slots.map((s) => `${s.host}:${s.managementPort}`).join(','),
              BROADCASTER_MANAGEMENT_PORT: String(slot.managementPort),
            }
          : {}),
      },
    });
    if (waitReady) await this.waitReady();
    return slot;
  }

  /**
   * One more node (the next index, fresh ports) that joins through the cluster's seeds; waits until the cluster is
   * ready with it. Not for bootstrap or namespaced clusters. Resolves the new slot.
   */
  async addNode() {
    if (this.bootstrap || this.topology) throw new Error('addNode() is for seeded clusters on 127.0.0.1');
    const unique = portAllocator();
    const taken = new Set(this.slots.flatMap((s) => [s.port, s.clusterPort]));
    const fresh = async () => {
      for (;;) {
        const p = await unique();
        if (!taken.has(p)) return p;
      }
    };
    const slot = new NodeSlot(this.slots.length, await fresh(), await fresh());
    this.slots.push(slot);
    return this.startNode(slot.index);
  }

  /** GET /ready of every running node: 200, ready, and as many peers as there are other running nodes. */
  async waitReady(timeoutMs = READY_TIMEOUT_MS) {
    await waitFor(
      async () => {
        const up = this.upSlots();
        const answers = await Promise.all(up.map((s) => httpGetJson(`${s.httpBase}/ready`)));
        this.lastReady = answers.map((a, i) => `${up[i].name}: ${a.status} ${JSON.stringify(a.body)}`);
        return answers.every((a) => a.status === 200 && a.body && a.body.ready === true && (typeof a.body.peers !== 'number' || a.body.peers === up.length - 1));
      },
      timeoutMs,
      () => `every running node to answer GET /ready 200 with all peers (last answers: ${this.lastReady.join(' | ')})`
    );
  }

  /** Graceful stop: SIGTERM, wait for the process to exit (SIGKILL after 5 s, like lib/server.js). */
  async stopNode(index) {
    const slot = this.slots[index];
    if (slot.server) await slot.server.stop();
  }

  /** SIGTERM without waiting for the exit; returns the exit promise. */
  terminateNode(index) {
    const slot = this.slots[index];
    slot.server.proc.kill('SIGTERM');
    return slot.server.exitPromise;
  }

  /** Crash: kill -9 the dotnet process. */
  async crashNode(index) {
    const slot = this.slots[index];
    if (slot.server) await slot.server.kill();
  }

  /**
   * Index of the node that accepted `socketId` (from its --debug log), waiting briefly for the log
   * line to be flushed. Throws if no node or more than one node claims it.
   */
  async nodeOfSocket(socketId, timeoutMs = 5000) {
    const needle = `${socketId} connected`;
    const owners = await waitFor(
      () => {
        const found = this.slots.filter((s) => s.server && s.server.hasOutput(needle)).map((s) => s.index);
        return found.length ? found : null;
      },
      timeoutMs,
      `a node log line '${needle}'`
    );
    if (owners.length !== 1) throw new Error(`socket ${socketId} claimed by several nodes: ${owners.join(', ')}`);
    return owners[0];
  }

  output(linesPerNode = 30) {
    const parts = [];
    for (const slot of this.slots) {
      if (!slot.server) continue;
      const management = slot.managementPort ? `, management ${slot.managementPort}` : '';
      parts.push(`--- ${slot.name} (http ${slot.port}, cluster ${slot.clusterPort}${management}) last ${linesPerNode} lines ---\n${slot.server.output(linesPerNode)}`);
    }
    if (this.nginx) parts.push(`--- nginx (port ${this.nginx.port}) ---\n${this.nginx.output(15)}`);
    if (this.lastReady.length) parts.push(`--- last /ready answers ---\n${this.lastReady.join('\n')}`);
    return parts.join('\n') + '\n--- end of cluster output ---';
  }

  async stop() {
    if (this.nginx) await this.nginx.stop();
    await Promise.all(this.slots.map((s) => (s.server ? s.server.stop() : null)));
    if (this.topology) this.topology.tearDown();
    liveClusters.delete(this);
    try {
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch (_) {
      /* best effort */
    }
  }
}

/**
 * Records what happens to a pusher-js connection: error codes (a close with 4200 surfaces as an
 * 'error' whose data.code is 4200), state changes and every socket id it was given.
 */
function watchConnection(client) {
  const w = { codes: [], errors: [], states: [], socketIds: [] };
  client.connection.bind('error', (err) => {
    w.errors.push(err);
    const code = findCode(err);
    if (code !== undefined) w.codes.push(code);
  });
  client.connection.bind('state_change', ({ current }) => w.states.push(current));
  client.connection.bind('connected', () => w.socketIds.push(client.connection.socket_id));
  return w;
}

/**
 * Failover set-up shared by the graceful-leave and crash suites. Through nginx: `lbCount` pusher-js
 * clients, each a presence member with a per-connection user id ("lbK@<socket_id>", so the removal
 * of the old connection is observable even though pusher-js rejoins as the same client). The victim
 * is a node that holds some of them (node2 when possible). Directly connected: one observer on every
 * other node, and one member ("stayer") on the victim that has nowhere to reconnect to.
 * Everybody is on the presence channel `P`; the nginx clients are also on the public channel `pub`.
 */
async function setupFailover(h, { lbCount = 6 } = {}) {
  const P = `presence-${uid('failover')}`;
  const pub = uid('failover-pub');
  const lb = [];
  for (let k = 0; k < lbCount; k++) {
    const client = h.lb.pusher({ auth: { user: `lb${k}`, per_socket: '1' } });
    const watch = watchConnection(client);
    await waitConnected(client);
    const node = await h.cluster.nodeOfSocket(client.connection.socket_id);
    lb.push({ label: `nginx#${k}`, k, client, watch, node, firstSocketId: client.connection.socket_id });
  }
  const perNode = [0, 1, 2].map((n) => lb.filter((e) => e.node === n).length);
  const victim = perNode[2] > 0 ? 2 : perNode.indexOf(Math.max(...perNode));
  const survivors = h.cluster.slots.map((s) => s.index).filter((i) => i !== victim);
  if (!lb.some((e) => e.node !== victim)) throw new Error(`nginx sent every client to node${victim}: ${JSON.stringify(perNode)}`);

  for (const e of lb) {
    e.rec = new Recorder();
    const chPub = e.client.subscribe(pub);
    e.rec.record(chPub, 'pusher:subscription_succeeded', 'pubOk').record(chPub, 'later').record(chPub, 'barrier');
    const chP = e.client.subscribe(P);
    e.rec.record(chP, 'pusher:subscription_succeeded', 'pOk').record(chP, 'pusher:member_removed', 'removed');
    await e.rec.waitForCount('pubOk', 1, 10000);
    await e.rec.waitForCount('pOk', 1, 10000);
    e.firstUserId = `lb${e.k}@${e.firstSocketId}`;
  }

  const observers = [];
  for (const n of survivors) {
    const client = await h.node(n).connect({ auth: { user: `obs${n}` } });
    const rec = new Recorder();
    const { channel } = await subscribe(client, P, 10000);
    rec.record(channel, 'pusher:member_added', 'added').record(channel, 'pusher:member_removed', 'removed');
    observers.push({ label: `observer@node${n}`, node: n, client, channel, rec, watch: watchConnection(client) });
  }
  const stayerClient = h.node(victim).pusher({ auth: { user: 'stayer' } });
  const stayer = { label: `stayer@node${victim}`, client: stayerClient, watch: watchConnection(stayerClient) };
  await waitConnected(stayerClient);
  stayer.channel = (await subscribe(stayerClient, P, 10000)).channel;

  const initialUsers = [...lb.map((e) => e.firstUserId), ...observers.map((o) => `obs${o.node}`), 'stayer'].sort();
  for (const o of observers) {
    await waitFor(() => o.channel.members.count === initialUsers.length, 10000, () => `${o.label} to see ${initialUsers.length} members (has ${o.channel.members.count})`);
  }
  await waitFor(() => stayer.channel.members.count === initialUsers.length, 10000, () => `${stayer.label} to see ${initialUsers.length} members`);
  // Every node and nginx agree on the starting point, so the drop afterwards is measured, not assumed.
  for (const target of [0, 1, 2, 'lb']) {
    const info = await (await h.sdk(target).get({ path: `/channels/${P}`, params: { info: 'user_count,subscription_count' } })).json();
    assert.deepEqual(info, { occupied: true, user_count: initialUsers.length, subscription_count: lb.length + observers.length + 1 }, `before the failure, asked on ${target}`);
  }

  return {
    P,
    pub,
    lb,
    victim,
    survivors,
    observers,
    stayer,
    initialUsers,
    onVictim: lb.filter((e) => e.node === victim),
    elsewhere: lb.filter((e) => e.node !== victim),
  };
}

/**
 * After the victim went away (SIGTERM or kill -9): its nginx clients are back on other nodes and
 * subscribed again, its members left on every surviving node, the HTTP API agrees exactly on every
 * surviving node and through nginx, and later events reach every nginx client exactly once.
 */
async function assertFailoverOutcome(h, s, { removalTimeoutMs = 30000, t, since = Date.now() } = {}) {
  // Reconnected elsewhere and re-subscribed (pusher-js re-subscribes by itself after a reconnect).
  for (const e of s.onVictim) {
    await waitFor(
      () => e.client.connection.state === 'connected' && e.client.connection.socket_id !== e.firstSocketId,
      20000,
      () => `${e.label} (was on node${s.victim}) to reconnect through nginx (state ${e.client.connection.state}, states ${e.watch.states.join('>')})`
    );
    e.newNode = await h.cluster.nodeOfSocket(e.client.connection.socket_id);
    assert.notEqual(e.newNode, s.victim, `${e.label} reconnected to the node that is gone`);
    await e.rec.waitForCount('pubOk', 2, 10000);
    await e.rec.waitForCount('pOk', 2, 10000);
    e.newUserId = `lb${e.k}@${e.client.connection.socket_id}`;
  }
  for (const e of s.elsewhere) {
    assert.equal(e.client.connection.state, 'connected', `${e.label} on node${e.node} must stay connected`);
    assert.deepEqual(e.watch.socketIds, [e.firstSocketId], `${e.label} on node${e.node} must not reconnect`);
    assert.deepEqual(e.watch.codes, [], `${e.label} on node${e.node}: no close/error codes`);
  }

  // Members of the victim's connections leave on every surviving node.
  const goneIds = [...s.onVictim.map((e) => e.firstUserId), 'stayer'];
  const watchers = [...s.observers, ...s.elsewhere.map((e) => ({ label: e.label, rec: e.rec }))];
  for (const w of watchers) {
    await waitFor(
      () => goneIds.every((id) => w.rec.of('removed').some((x) => x.data.id === id)),
      Math.max(1000, since + removalTimeoutMs - Date.now()),
      () => `${w.label} to see member_removed for ${goneIds.join(', ')} (saw ${JSON.stringify(w.rec.of('removed').map((x) => x.data.id))})`
    );
  }
  const removalMs = Date.now() - since;
  if (t) t.diagnostic(`member_removed for the victim's members seen on every surviving node within ${removalMs} ms`);

  // Exact and identical answers from every surviving node and through nginx: no ghosts.
  const expectedUsers = [
    ...s.elsewhere.map((e) => e.firstUserId),
    ...s.onVictim.map((e) => e.newUserId),
    ...s.observers.map((o) => `obs${o.node}`),
  ].sort();
  const connections = s.lb.length + s.observers.length;
  // The victim's nginx clients came back as new members, the stayer did not: one user fewer.
  assert.equal(expectedUsers.length, s.initialUsers.length - 1);
  const targets = [...s.survivors, 'lb'];
  let last = null;
  await waitFor(
    async () => {
      last = await Promise.all(
        targets.map(async (target) => {
          const sdk = h.sdk(target);
          const info = await (await sdk.get({ path: `/channels/${s.P}`, params: { info: 'user_count,subscription_count' } })).json();
          const users = (await (await sdk.get({ path: `/channels/${s.P}/users` })).json()).users.map((u) => u.id).sort();
          const list = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } })).json();
          return { target, info, users, listed: list.channels[s.P] };
        })
      );
      return last.every(
        (a) =>
          a.info.user_count === expectedUsers.length &&
          a.info.subscription_count === connections &&
          a.users.join('|') === expectedUsers.join('|') &&
          a.listed &&
          a.listed.user_count === expectedUsers.length
      );
    },
    10000,
    () => `exact presence answers on ${targets.join(', ')}: ${expectedUsers.length} users ${JSON.stringify(expectedUsers)}, ${connections} connections (last: ${JSON.stringify(last)})`
  );
  for (const a of last) {
    assert.deepEqual(a.info, { occupied: true, user_count: expectedUsers.length, subscription_count: connections }, `node${a.target}`);
    for (const id of goneIds) assert.ok(!a.users.includes(id), `ghost member ${id} on ${a.target}`);
  }
  for (const o of s.observers) {
    assert.equal(o.channel.members.count, expectedUsers.length, `${o.label}: members.count`);
    assert.deepEqual(Object.keys(o.channel.members.members).sort(), expectedUsers, `${o.label}: member list`);
  }

  // Later events reach every nginx client exactly once, from a surviving node and through nginx.
  const sdkDirect = h.sdk(s.survivors[0]);
  assert.equal((await sdkDirect.trigger(s.pub, 'later', { via: 'direct' })).status, 200);
  assert.equal((await h.sdk('lb').trigger(s.pub, 'later', { via: 'nginx' })).status, 200);
  for (const e of s.lb) await e.rec.waitForCount('later', 2, 10000);
  // Events from one node are ordered: a barrier from every surviving node follows any duplicate.
  for (const n of s.survivors) await h.sdk(n).trigger(s.pub, 'barrier', { n });
  for (const e of s.lb) {
    await e.rec.waitForCount('barrier', s.survivors.length, 10000);
    assert.deepEqual(e.rec.of('later').map((x) => x.data.via).sort(), ['direct', 'nginx'], `${e.label}: later events exactly once`);
  }
  return { removalMs };
}

const TEST_TIMEOUT_MS = 60000;

/**
 * Per-file harness: auth server, a cluster of `size` nodes and nginx in before(); every client of
 * every pool disconnected after each test; everything stopped in after().
 *   h.node(i)   ClientPool whose pusher-js clients and SDK talk to node i directly
 *   h.lb        ClientPool through nginx
 *   h.sdk(i)    official SDK against node i ('lb' for nginx)
 */
function useCluster(options = {}) {
  const h = {
    cluster: null,
    auth: null,
    pools: [],
    lb: null,
    node: (i) => h.pools[i],
    sdk: (target = 0, opts) => (target === 'lb' ? h.lb : h.pools[target]).sdk(opts),
    test: null,
  };

  before(
    async () => {
      h.auth = await startAuthServer();
      try {
        // config may be a function: a config that names something started in an earlier before() (a webhook receiver).
        h.cluster = await Cluster.start(typeof options.config === 'function' ? { ...options, config: options.config() } : options);
      } catch (err) {
        await h.auth.close();
        h.auth = null;
        throw err;
      }
      h.pools = h.cluster.slots.map((slot) => new ClientPool({ server: slot, auth: h.auth }));
      if (h.cluster.nginx) h.lb = new ClientPool({ server: h.cluster.nginx, auth: h.auth });
    },
    { timeout: READY_TIMEOUT_MS + 30000 }
  );

  const disconnectAll = async () => {
    await Promise.all(h.pools.concat(h.lb ? [h.lb] : []).map((p) => p.disconnectAll()));
  };

  afterEach(disconnectAll, { timeout: 20000 });

  after(
    async () => {
      await disconnectAll();
      if (h.auth) await h.auth.close();
      if (h.cluster) {
        if (process.env.E2E_SERVER_OUTPUT) process.stderr.write(`${h.cluster.output(200)}\n`);
        await h.cluster.stop();
      }
    },
    { timeout: 30000 }
  );

  h.test = (name, fn, opts = {}) => testWithOutput(name, fn, { timeout: TEST_TIMEOUT_MS, ...opts }, () => (h.cluster ? `\n${h.cluster.output(40)}` : null));

  return h;
}

module.exports = { Cluster, useCluster, CLUSTER_CONFIG, httpGetJson, watchConnection, findCode, setupFailover, assertFailoverOutcome };
