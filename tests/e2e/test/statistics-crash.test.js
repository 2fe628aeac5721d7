'use strict';

// Statistics survive a crash: a node killed with SIGKILL while it writes, five times, leaves a database that passes
// integrity_check (checked with the sqlite3 command-line shell) and keeps every committed row; the node started again
// on the same file keeps adding rows (and, without a dashboard section, answers the dashboard's routes with 404 JSON).

const { describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { testWithOutput } = require('../lib/harness');
const { startServer, portAllocator } = require('../lib/server');
const { startAuthServer } = require('../lib/auth-server');
const { ClientPool, subscribe } = require('../lib/clients');
const { waitFor, delay } = require('../lib/wait');
const { requestText } = require('../lib/http');
const { sqliteJson, sqliteText } = require('../lib/sqlite');
const { INTERVAL_MS, sum } = require('../lib/statistics');

describe('statistics survive kill -9 of the writing node', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-statistics-kill-'));
  const db = path.join(dir, 'stats.db');
  const config = `broadcaster {
  statistics { interval = 1s, database = "${db}" }
  apps = [ { id = "app-id", key = "app-key", secret = "app-secret" } ]
}
`;
  let auth = null;
  let server = null;
  let traffic = null;
  before(async () => {
    auth = await startAuthServer();
  });
  after(
    async () => {
      if (traffic) await traffic.stop();
      if (server) await server.stop();
      if (auth) await auth.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 30000 }
  );

  /** A subscribed pusher-js client and an API trigger every 50 ms on `node`, until stop(). */
  async function steadyTraffic(node) {
    const pool = new ClientPool({ server: node, auth });
    const client = await pool.connect();
    await subscribe(client, 'steady');
    const sdk = pool.sdk();
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await sdk.trigger('steady', 'tick', { at: Date.now() }).catch(() => {});
        await delay(50);
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        await pool.disconnectAll();
      },
    };
  }

  const allRows = () => sqliteJson(db, 'SELECT * FROM statistics ORDER BY interval_start, app_id, node');
  const key = (r) => `${r.interval_start}|${r.app_id}|${r.node}`;

  testWithOutput(
    'five times: SIGKILL at a random moment while rows are written; the database stays intact and keeps every row',
    async (t) => {
      const unique = portAllocator();
      const port = await unique();
      const clusterPort = await unique();
      const self = `127.0.0.1:${clusterPort}`;
      let kept = [];
      let newest = 0;
      const killedAfter = [];

      const runOnce = async (name) => {
        server = await startServer({ config, port, clusterPort, tmpDir: dir, name });
        traffic = await steadyTraffic(server);
        let snapshot = [];
        await waitFor(
          async () => {
            snapshot = await allRows();
            return snapshot.some((r) => r.interval_start > newest && r.node === self);
          },
          15000,
          () => `${name} to write a row after interval ${newest} (${snapshot.length} rows)`
        );
        for (const r of kept) assert.deepEqual(snapshot.find((x) => key(x) === key(r)), r, `${name} kept the row ${key(r)} written before`);
        return snapshot;
      };

      for (let cycle = 0; cycle < 5; cycle++) {
        const snapshot = await runOnce(`node-run${cycle}`);
        const wait = Math.floor(Math.random() * 1000);
        await delay(wait);
        await server.kill();
        killedAfter.push(wait);
        await traffic.stop();
        traffic = null;
        server = null;

        assert.equal(await sqliteText(db, 'PRAGMA integrity_check'), 'ok', `integrity after kill ${cycle + 1}`);
        assert.equal(await sqliteText(db, 'PRAGMA user_version'), '1');
        const rows = await allRows();
        for (const r of snapshot) assert.deepEqual(rows.find((x) => key(x) === key(r)), r, `the committed row ${key(r)} survives kill ${cycle + 1}`);
        assert.equal(new Set(rows.map(key)).size, rows.length);
        kept = rows;
        newest = Math.max(...rows.map((r) => r.interval_start));
      }
      t.diagnostic(`killed ${killedAfter.join(', ')} ms after a row was seen; ${kept.length} rows kept`);

      // A last start on the same database keeps adding rows, then stops gracefully.
      await runOnce('node-final');
      // This node has no dashboard section: the dashboard is off and its routes are unknown ones.
      for (const p of ['/dashboard', '/dashboard/api/overview']) {
        const res = await requestText({ options: { host: server.host, port: server.port, path: p, method: 'GET', timeout: 5000, agent: false } });
        assert.equal(res.status, 404, `${p} with the dashboard disabled`);
        assert.match(res.headers['content-type'] || '', /^application\/json/, `${p}: JSON`);
        assert.equal(typeof JSON.parse(res.body).error, 'string', `${p}: ${res.body}`);
      }
      await traffic.stop();
      traffic = null;
      await server.stop();
      assert.equal(server.exited.code, 0, 'graceful stop');
      server = null;
      assert.equal(await sqliteText(db, 'PRAGMA integrity_check'), 'ok');
      const final = await allRows();
      assert.ok(final.length > kept.length, `rows were added after the kills (${kept.length} -> ${final.length})`);
      assert.ok(final.every((r) => r.node === self && r.app_id === 'app-id' && r.interval_ms === INTERVAL_MS));
      assert.ok(sum(final, 'api_messages') > 0);
    },
    { timeout: 150000 },
    () => (server ? `\n--- node output (last 60 lines) ---\n${server.output(60)}\n--- end of node output ---` : null)
  );
});
