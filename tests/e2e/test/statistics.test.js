'use strict';

// Statistics in the SQLite database, checked with the sqlite3 command-line shell as an independent reader: three real
// node processes sharing one database file write each (interval, app, node) row once, with exact peaks and API message
// counts; api/statistics and the page's chart show the same numbers; and the `clean` command removes only old rows.
// (A node killed while it writes: statistics-crash.test.js.)

const { describe, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { useCluster } = require('../lib/cluster');
const { subscribe, uid } = require('../lib/clients');
const { waitFor, delay, Recorder } = require('../lib/wait');
const { sqliteJson, sqliteText } = require('../lib/sqlite');
const { launchBrowser, SCREENSHOT_DIR } = require('../lib/browser');
const { call, nodeId } = require('../lib/dashboard');
const { INTERVAL_MS, DAY_MS, COLUMNS, floorInterval, ceilInterval, sum, runClean, REMOVED_RE } = require('../lib/statistics');

const PASSWORD = 'stats-pass-456';

/** GET on a node with the dashboard password as bearer: { status, headers, json, body }. */
const getJson = (slot, urlPath) => call(slot, 'GET', urlPath, { headers: { Authorization: `Bearer ${PASSWORD}` } });

describe('statistics of a three-node cluster in one database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-statistics-'));
  const db = path.join(dataDir, 'stats.db');
  const config = `broadcaster {
  cluster { failure-timeout = 2s, down-after = 2s }
  dashboard { enabled = true, password = "${PASSWORD}" }
  statistics { interval = 1s, database = "${db}", retention = 400d }
  apps = [
    { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true }
    { id = "app-2", key = "key-2", secret = "secret-2" }
  ]
}
`;
  const h = useCluster({ config, nginx: false });
  const sent = { api: [0, 0, 0], clientEvents: 0 };
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  h.test('every interval has one row per app and node, with exact peaks and API message counts', async (t) => {
    const slots = h.cluster.slots;
    const ids = slots.map(nodeId);
    const channel = `private-${uid('stats')}`;
    // node i holds i + 1 connections of app-id, all on one private channel; node 2 also one connection of app-2.
    const clients = [];
    for (const i of [0, 1, 2]) {
      for (let k = 0; k <= i; k++) {
        const client = await h.node(i).connect();
        const { channel: ch } = await subscribe(client, channel);
        const rec = new Recorder().record(ch, 'api-stat').record(ch, 'client-stat');
        clients.push({ node: i, client, ch, rec });
      }
    }
    await h.node(2).connect({ key: 'key-2' });
    // W starts with the first interval that began after every connection was open. A sample is taken a few ms after
    // its interval ends, so the traffic starts 100 ms into W's first interval: none of it can land in the one before.
    const first = ceilInterval(Date.now());
    await delay(first + 100 - Date.now());

    // API messages: 4 on node 0, 3 on node 1, 2 on node 2, in rounds 900 ms apart; 3 client events from node 0.
    const sender = clients[0];
    let lastTriggerAt = 0;
    for (let round = 0; round < 4; round++) {
      if (round > 0) await delay(900);
      for (const i of [0, 1, 2]) {
        if (round >= 4 - i) continue;
        assert.equal((await h.sdk(i).trigger(channel, 'api-stat', { round, node: i })).status, 200);
        sent.api[i]++;
      }
      if (round < 3) {
        sender.ch.trigger('client-stat', { round });
        sent.clientEvents++;
      }
      lastTriggerAt = Date.now();
    }
    assert.deepEqual(sent.api, [4, 3, 2]);
    const apiTotal = sent.api.reduce((a, b) => a + b, 0);
    for (const c of clients) {
      await c.rec.waitForCount('api-stat', apiTotal, 5000);
      if (c !== sender) await c.rec.waitForCount('client-stat', sent.clientEvents, 5000);
    }

    // W ends with the interval after the last trigger.
    const last = floorInterval(lastTriggerAt) + INTERVAL_MS;
    const window = [];
    for (let s = first; s <= last; s += INTERVAL_MS) window.push(s);
    assert.ok(window.length >= 3, `at least 3 complete intervals (${window.length})`);
    let rows = [];
    await waitFor(
      async () => {
        rows = await sqliteJson(db, `SELECT * FROM statistics WHERE interval_start BETWEEN ${first} AND ${last} ORDER BY interval_start, app_id, node`);
        return window.every((s) => ids.every((id) => rows.some((r) => r.interval_start === s && r.app_id === 'app-id' && r.node === id)));
      },
      20000,
      () => `rows of app-id for all three nodes in each of ${window.length} intervals ${first}..${last} (have ${JSON.stringify(rows.map((r) => [r.interval_start, r.app_id, r.node]))})`
    );
    t.diagnostic(`${window.length} complete intervals checked, ${rows.length} rows in them`);

    const all = await sqliteJson(db, 'SELECT * FROM statistics ORDER BY interval_start, app_id, node');
    assert.deepEqual(
      await sqliteJson(db, 'SELECT interval_start, app_id, node, COUNT(*) AS n FROM statistics GROUP BY interval_start, app_id, node HAVING n > 1'),
      [],
      'each (interval, app, node) once'
    );
    for (const r of all) {
      assert.deepEqual(Object.keys(r).sort(), [...COLUMNS].sort());
      assert.equal(r.interval_ms, INTERVAL_MS, JSON.stringify(r));
      assert.equal(r.interval_start % INTERVAL_MS, 0, `interval_start is a multiple of interval_ms: ${JSON.stringify(r)}`);
      assert.ok(ids.includes(r.node), `node is a cluster address: ${JSON.stringify(r)}`);
      assert.ok(['app-id', 'app-2'].includes(r.app_id), JSON.stringify(r));
      for (const f of COLUMNS.slice(4)) assert.ok(Number.isInteger(r[f]) && r[f] >= 0, `${f}: ${JSON.stringify(r)}`);
    }
    const row = (s, app, id) => all.find((r) => r.interval_start === s && r.app_id === app && r.node === id);
    for (const s of window) {
      for (const i of [0, 1, 2]) assert.equal(row(s, 'app-id', ids[i]).peak_connections, i + 1, `peak of app-id on node${i} in ${s}`);
      const two = row(s, 'app-2', ids[2]);
      assert.ok(two, `a row for app-2 on node2 (one connection) in ${s}`);
      assert.equal(two.peak_connections, 1);
    }

    // Every API message counted once, by the node that took the request; all of them lie inside W.
    const ofApp = all.filter((r) => r.app_id === 'app-id');
    assert.equal(sum(ofApp, 'api_messages'), apiTotal, 'api_messages summed over every row = the triggers sent');
    assert.equal(sum(ofApp.filter((r) => r.interval_start >= first && r.interval_start <= last), 'api_messages'), apiTotal, 'all of them inside the window');
    assert.deepEqual(ids.map((id) => sum(ofApp.filter((r) => r.node === id), 'api_messages')), sent.api, 'api_messages per node');
    assert.equal(sum(all.filter((r) => r.app_id === 'app-2'), 'api_messages'), 0, 'no API message for app-2');
    // WebSocket messages: at least what was sent and delivered (protocol frames may come on top).
    const perNode = (field) => ids.map((id) => sum(ofApp.filter((r) => r.node === id), field));
    const [in0] = perNode('websocket_messages_in');
    assert.ok(in0 >= sent.clientEvents, `node0 received ${sent.clientEvents} client events, counted ${in0}`);
    const out = perNode('websocket_messages_out');
    const expectedOut = [apiTotal, 2 * (apiTotal + sent.clientEvents), 3 * (apiTotal + sent.clientEvents)];
    for (const i of [0, 1, 2]) assert.ok(out[i] >= expectedOut[i], `node${i} delivered at least ${expectedOut[i]} messages, counted ${out[i]}`);

    assert.equal(await sqliteText(db, 'PRAGMA user_version'), '1');
    assert.equal(await sqliteText(db, 'PRAGMA journal_mode'), 'wal');
    const schema = await sqliteJson(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'statistics'");
    assert.equal(schema.length, 1);
    assert.match(schema[0].sql, /WITHOUT ROWID/i);
    const info = await sqliteJson(db, 'PRAGMA table_info(statistics)');
    assert.deepEqual(info.map((c) => c.name), COLUMNS);
    assert.deepEqual(info.filter((c) => c.pk > 0).sort((x, y) => x.pk - y.pk).map((c) => c.name), ['interval_start', 'app_id', 'node']);
    assert.ok(info.every((c) => c.notnull === 1), 'every column NOT NULL');
  });

  h.test('api/statistics returns the database sums per bucket, and the page draws them', async () => {
    if (sent.api[0] === 0) throw new Error('needs the traffic of the previous test');
    const slots = h.cluster.slots;
    const ids = slots.map(nodeId);
    let res = null;
    let mismatches = null;
    // Rows may still be landing for the interval in which the clients left: compare until both agree.
    await waitFor(
      async () => {
        res = await getJson(slots[1], '/dashboard/api/statistics?app=app-id&hours=1');
        if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body}`);
        const s = res.json;
        const rows = await sqliteJson(db, `SELECT * FROM statistics WHERE app_id = 'app-id' AND interval_start >= ${s.from} AND interval_start < ${s.to}`);
        mismatches = [];
        const inBucket = (p) => rows.filter((r) => r.interval_start >= p.t && r.interval_start < p.t + s.bucket_ms);
        for (const p of s.points) {
          const b = inBucket(p);
          for (const f of ['websocket_messages_in', 'websocket_messages_out', 'api_messages']) {
            if (p[f] !== sum(b, f)) mismatches.push(`${p.t} ${f}: api ${p[f]}, db ${sum(b, f)}`);
          }
          const sumOfMax = ids.reduce((acc, id) => acc + Math.max(0, ...b.filter((r) => r.node === id).map((r) => r.peak_connections)), 0);
          const starts = [...new Set(b.map((r) => r.interval_start))];
          const maxOfSum = Math.max(0, ...starts.map((st) => sum(b.filter((r) => r.interval_start === st), 'peak_connections')));
          if (p.peak_connections !== sumOfMax && p.peak_connections !== maxOfSum) mismatches.push(`${p.t} peak_connections: api ${p.peak_connections}, db ${sumOfMax}`);
        }
        const covered = s.points.reduce((acc, p) => acc + inBucket(p).length, 0);
        if (covered !== rows.length) mismatches.push(`${rows.length - covered} rows in [from, to] fall in no bucket`);
        return mismatches.length === 0;
      },
      15000,
      () => `api/statistics to match the database (mismatches: ${JSON.stringify(mismatches)})`
    );
    const s = res.json;
    assert.equal(s.app, 'app-id');
    assert.equal(s.interval_ms, INTERVAL_MS);
    assert.ok(s.bucket_ms >= s.interval_ms && s.bucket_ms % s.interval_ms === 0, `bucket_ms ${s.bucket_ms}`);
    assert.ok(s.to - s.from >= 3600 * 1000 - 2 * s.bucket_ms && s.to <= Date.now() + s.bucket_ms, `from ${s.from} to ${s.to}: one hour up to now`);
    assert.ok(s.points.length > 0 && s.points.length <= 800, `${s.points.length} points`);
    for (let i = 1; i < s.points.length; i++) assert.ok(s.points[i].t > s.points[i - 1].t, 'points oldest first');
    const apiTotal = sent.api.reduce((a, b) => a + b, 0);
    assert.equal(sum(s.points, 'api_messages'), apiTotal, 'every API message in the points');
    assert.ok(s.points.some((p) => p.peak_connections >= 6), 'the 6 connections of app-id at their peak');
    assert.deepEqual(Object.keys(s.nodes).sort(), [...ids].sort(), 'a series for each node');
    assert.deepEqual(ids.map((id) => sum(s.nodes[id], 'api_messages')), sent.api, 'API messages per node');

    assert.equal((await getJson(slots[0], '/dashboard/api/statistics?app=no-such-app&hours=1')).status, 404, 'unknown app');

    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await browser.newPage();
      await page.goto(`${slots[2].httpBase}/dashboard`);
      await page.locator('#login-password').fill(PASSWORD);
      await page.locator('[data-testid="login-form"] button[type="submit"]').click();
      await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: 10000 });
      await page.locator('[data-testid="stats-app"]').selectOption('app-id', { timeout: 10000 });
      await page.locator('[data-testid="stats-range"]').selectOption('1', { timeout: 10000 });
      // The counter shows the points of the page's answer for app-id over one hour (earlier answers for 24 hours may
      // come first).
      let points = null;
      let answer = null;
      await waitFor(
        async () => {
          await browser.traffic.settle();
          const asked = browser.traffic
            .matching('/dashboard/api/statistics')
            .filter((e) => e.url.includes('app=app-id') && /hours=1(&|$)/.test(e.url) && e.status === 200 && e.body);
          answer = asked.length ? JSON.parse(asked.at(-1).body) : null;
          points = await page.locator('[data-testid="stats-points"]').getAttribute('data-points');
          return answer && Number(points) > 0 && Number(points) === answer.points.length;
        },
        10000,
        () => `the statistics chart to draw the ${answer ? answer.points.length : '?'} points of the page's api/statistics answer for app-id over 1 hour (data-points ${JSON.stringify(points)}; asked ${JSON.stringify(browser.traffic.matching('/api/statistics').map((e) => e.url))})`
      );
      assert.equal(await page.locator('[data-testid="stats-empty"]').isVisible(), false, 'no "no statistics" note');
      assert.ok((await page.locator('[data-testid="stats-chart"] canvas').count()) >= 1, 'a chart is drawn');
      assert.equal(sum(answer.points, 'api_messages'), apiTotal, 'the page got every API message');
      const summary = page.locator('[data-testid="stats-summary"]');
      const drawnApi = async () => Number(await summary.getAttribute('data-api'));
      assert.equal(await drawnApi(), apiTotal, 'the range total of all nodes');
      assert.match(await summary.textContent(), new RegExp(`${apiTotal} API messages`));
      // One node at a time: its own series, as the node wrote it.
      const nodeChoice = page.locator('[data-testid="stats-node"]');
      assert.deepEqual((await nodeChoice.locator('option').allTextContents()).slice(1), [...ids].sort(), 'every node can be chosen');
      for (const [i, id] of ids.entries()) {
        await nodeChoice.selectOption(id);
        await waitFor(async () => (await drawnApi()) === answer.nodes[id].reduce((acc, p) => acc + p.api_messages, 0), 5000, `the page to draw ${id}'s series`);
        assert.equal(await drawnApi(), sent.api[i], `API messages drawn for ${id}`);
      }
      await nodeChoice.selectOption('');
      await waitFor(async () => (await drawnApi()) === apiTotal, 5000, 'the page to draw all nodes again');
      const file = await browser.screenshot(page, 'statistics-chart');
      process.stderr.write(`[e2e] statistics screenshot: ${file} (folder ${SCREENSHOT_DIR})\n`);
      assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
    } finally {
      await browser.close();
    }
  });

  h.test('clean removes the rows older than --days (default: the retention) and keeps the rest', async () => {
    const ids = h.cluster.slots.map(nodeId);
    const configFile = h.cluster.slots[0].server.configFile;
    // The nodes keep 400 days (their hourly prune must not take the rows inserted here); this file says 45 days.
    const retentionConfig = path.join(dataDir, 'clean-45d.conf');
    fs.writeFileSync(retentionConfig, config.replace('retention = 400d', 'retention = 45d'));
    const now = Date.now();
    const t90 = floorInterval(now - 90 * DAY_MS);
    const t50 = floorInterval(now - 50 * DAY_MS);
    const t10 = floorInterval(now - 10 * DAY_MS);
    const insert50 = `(${t50}, 1000, 'app-id', '${ids[2]}', 5, 6, 7, 8)`;
    await sqliteText(
      db,
      `INSERT INTO statistics VALUES (${t90}, 1000, 'app-id', '${ids[0]}', 1, 2, 3, 4), (${t90}, 1000, 'app-2', '${ids[1]}', 1, 2, 3, 4), ` +
        `${insert50}, (${t10}, 1000, 'app-id', '${ids[1]}', 9, 9, 9, 9)`
    );
    const count = async (where) => (await sqliteJson(db, `SELECT COUNT(*) AS n FROM statistics WHERE ${where}`))[0].n;
    const recent = `interval_start > ${now - DAY_MS}`;
    const recentBefore = await count(recent);
    assert.ok(recentBefore > 0, 'the nodes wrote rows');

    const expectRemoved = (res, n, days) => {
      assert.equal(res.code, 0, `clean exit code (stdout ${res.stdout}, stderr ${res.stderr})`);
      const m = REMOVED_RE.exec(res.stdout);
      assert.ok(m, `the summary line: ${JSON.stringify(res.stdout)}`);
      assert.deepEqual([Number(m[1]), Number(m[2])], [n, days], m[0]);
      assert.equal(path.resolve(m[3]), db, m[0]);
    };

    expectRemoved(await runClean(['--days', '30', '--config', configFile]), 3, 30);
    assert.equal(await count(`interval_start <= ${t50}`), 0, 'the 90- and 50-day-old rows are gone');
    assert.equal(await count(`interval_start = ${t10}`), 1, 'the 10-day-old row stays');
    assert.ok((await count(recent)) >= recentBefore, 'recent rows stay');

    await sqliteText(db, `INSERT INTO statistics VALUES ${insert50}`);
    expectRemoved(await runClean(['--config', retentionConfig]), 1, 45);
    assert.equal(await count(`interval_start = ${t50}`), 0, 'without --days: older than the retention');
    assert.equal(await count(`interval_start = ${t10}`), 1);

    expectRemoved(await runClean(['--days', '5', '--config', configFile]), 1, 5);
    assert.equal(await count(`interval_start = ${t10}`), 0, 'the 10-day-old row is gone with --days 5');
    assert.ok((await count(recent)) >= recentBefore, 'recent rows stay');
    assert.equal(await sqliteText(db, 'PRAGMA integrity_check'), 'ok');
  });
});
