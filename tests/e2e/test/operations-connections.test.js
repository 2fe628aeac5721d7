'use strict';

// More than 1,024 concurrent connections on one node. The node is started with a soft open-files limit of
// 1,024 (as shells and supervisors often do) and must raise it itself; 1,100 raw WebSocket connections
// (lib/ws-raw.js, held by a child process with its own raised limit) each get connection_established and a
// subscription, one HTTP trigger reaches every one of them, and /metrics counts them (and then none).

const { describe, before, after, it } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const { BroadcasterServer, dllPath, freePort, httpGetStatus, DEFAULT_CONFIG } = require('../lib/server');
const { ManyClients } = require('../lib/many-clients');
const { PusherServer, uid } = require('../lib/clients');
const { waitFor } = require('../lib/wait');

const CONNECTIONS = 1100;
const SOFT_LIMIT = 1024;

function httpGetText(url, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** Value of `broadcaster_connected{app_id="app-id"}` on the node's /metrics. */
async function connectedGauge(server) {
  const { status, body } = await httpGetText(`${server.httpBase}/metrics`);
  assert.equal(status, 200, 'GET /metrics');
  const m = body.match(/^broadcaster_connected\{app_id="app-id"\} (\d+(?:\.\d+)?)$/m);
  assert.ok(m, `broadcaster_connected{app_id="app-id"} missing from /metrics:\n${body.slice(0, 600)}`);
  return Number(m[1]);
}

/** `serve` through bash with `ulimit -S -n 1024` first, so the node process starts with a soft limit of 1,024. */
async function startWithSoftLimit() {
  const dll = dllPath();
  if (!fs.existsSync(dll)) throw new Error(`Broadcaster node dll not found at ${dll}: run dotnet build Cluster.sln first`);
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-fds-'));
  const configFile = path.join(tmpDir, 'broadcaster.conf');
  fs.writeFileSync(configFile, DEFAULT_CONFIG);
  const port = await freePort();
  const args = [dll, 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', configFile];
  const proc = spawn('bash', ['-c', `ulimit -S -n ${SOFT_LIMIT} && exec dotnet "$@"`, 'bash', ...args], {
    cwd: tmpDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  const server = new BroadcasterServer({ port, proc, configFile, tmpDir, dll, name: 'fd-node' });
  server.push(`[e2e] started: bash -c 'ulimit -S -n ${SOFT_LIMIT} && exec dotnet ${args.join(' ')}'`);
  try {
    await waitFor(
      async () => {
        if (server.exited) throw Object.assign(new Error(`node exited with ${server.exited.code}`), { fatal: true });
        return (await httpGetStatus(`${server.httpBase}/up`)) === 200;
      },
      Number(process.env.BROADCASTER_STARTUP_TIMEOUT_MS || 30000),
      'GET /up = 200'
    );
  } catch (err) {
    const out = server.output(80);
    await server.stop();
    throw new Error(`${err.message}\n--- node output ---\n${out}`);
  }
  return server;
}

describe('more than 1,024 concurrent connections on one node', () => {
  let server;
  let pool;

  const withOutput = (fn) => async (t) => {
    try {
      await fn(t);
    } catch (err) {
      if (server && err && typeof err.message === 'string') {
        err.message += `\n--- node output (last 40 lines) ---\n${server.output(40)}`;
        if (pool && pool.stderr) err.message += `\n--- client child stderr ---\n${pool.stderr.slice(-2000)}`;
      }
      throw err;
    }
  };

  before(
    async () => {
      server = await startWithSoftLimit();
      pool = await ManyClients.start();
    },
    { timeout: 60000 }
  );

  after(
    async () => {
      if (pool) await pool.stop();
      if (server) await server.stop();
    },
    { timeout: 30000 }
  );

  it('a node started with a soft open-files limit of 1,024 runs with the hard limit and says so in its log', withOutput(async () => {
    const line = await waitFor(
      () => server.lines.find((l) => /Open files limit/.test(l)),
      5000,
      'the "Open files limit" log line'
    );
    const m = line.match(/Open files limit (\d+)/);
    assert.ok(m, `unexpected log line: ${line}`);
    const limits = fs.readFileSync(`/proc/${server.pid}/limits`, 'utf8').match(/^Max open files\s+(\d+)\s+(\d+|unlimited)/m);
    const [soft, hard] = [Number(limits[1]), Number(limits[2])];
    // Started under `ulimit -S -n 1024` (the bash wrapper): the process now runs with the hard limit.
    assert.ok(soft > SOFT_LIMIT, `the soft limit (${soft}) must have been lifted from ${SOFT_LIMIT}`);
    assert.equal(soft, hard, 'soft limit raised to the hard limit');
    assert.equal(Number(m[1]), hard, `the log reports the limit in force: "${line.trim()}"`);
    assert.ok(hard > CONNECTIONS + 100, `the limit (${hard}) must allow ${CONNECTIONS} sockets`);
  }));

  it(`${CONNECTIONS} concurrent connections: each established and subscribed, one trigger reaches all, /metrics counts them`, { timeout: 120000 }, withOutput(async (t) => {
    assert.ok(pool.fdLimit > CONNECTIONS + 50, `client child fd limit ${pool.fdLimit} too low (hard limit of this machine?)`);
    const channel = uid('many');
    const startedAt = Date.now();
    const opened = await pool.open({ port: server.port, n: CONNECTIONS, channel, timeoutMs: 60000 });
    t.diagnostic(`opened ${opened.established} connections (${opened.subscribed} subscribed) in ${Date.now() - startedAt} ms`);
    assert.deepEqual(
      { established: opened.established, unique: opened.uniqueSocketIds, subscribed: opened.subscribed, open: opened.open, errorCount: opened.errorCount },
      { established: CONNECTIONS, unique: CONNECTIONS, subscribed: CONNECTIONS, open: CONNECTIONS, errorCount: 0 },
      `every connection established and subscribed (errors: ${JSON.stringify(opened.errors)})`
    );
    assert.equal(server.exited, null, 'the node must still run');

    assert.equal(await connectedGauge(server), CONNECTIONS, 'broadcaster_connected');
    const info = await new PusherServer({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: '127.0.0.1', port: String(server.port), timeout: 10000 })
      .get({ path: `/channels/${channel}`, params: { info: 'subscription_count' } });
    assert.deepEqual(await info.json(), { occupied: true, subscription_count: CONNECTIONS });

    const sdk = new PusherServer({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: '127.0.0.1', port: String(server.port), timeout: 10000 });
    const payload = { to: 'everyone', n: CONNECTIONS };
    const triggeredAt = Date.now();
    assert.equal((await sdk.trigger(channel, 'to-all', payload)).status, 200);
    const got = await pool.waitEvent({ event: 'to-all', timeoutMs: 15000 });
    t.diagnostic(`one trigger reached ${got.received} connections in ${Date.now() - triggeredAt} ms`);
    assert.equal(got.received, CONNECTIONS, 'connections that received the event');
    assert.deepEqual(JSON.parse(got.data), payload);
    assert.deepEqual(got.channels, [channel]);

    const closed = await pool.closeAll();
    assert.equal(closed.closed, CONNECTIONS, 'connections closed cleanly');
    let last;
    await waitFor(async () => (last = await connectedGauge(server)) === 0, 15000, () => `broadcaster_connected to return to 0 (is ${last})`);
    assert.equal(server.exited, null, 'the node must still run');
  }));
});
