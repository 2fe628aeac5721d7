'use strict';

// The dashboard in a real headless Chromium against two real node processes: the sign-in (form, wrong password,
// HttpOnly SameSite=Strict cookie, 401 without it, 429 after repeated failures), the cluster view counting pusher-js
// connections on both nodes, the live log showing an API event published on the other node, the test-event form
// reaching a pusher-js client, no app secret anywhere in what the page (or anyone signed in) can read, the live log's
// pause and filters and its sampled-out notice, screenshots at desktop and phone sizes (tests/e2e/artifacts/screenshots/),
// a third node's states (Up, unreachable while frozen, Up again, draining, gone), and a node refusing an enabled
// dashboard without a password.

const { describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { useCluster } = require('../lib/cluster');
const { subscribe, uid } = require('../lib/clients');
const { waitFor, Recorder } = require('../lib/wait');
const { launchBrowser, openEventStream, SCREENSHOT_DIR } = require('../lib/browser');
const { freePort, dllPath } = require('../lib/server');
const { runProcess } = require('../lib/process');
const { connectPusher } = require('../lib/ws-raw');
const { UI_TIMEOUT_MS, call, nodeId, nodeRows, isVisible, waitForText, signIn, ensureSignedIn, sessionCookie, sendTestEvent } = require('../lib/dashboard');
const { waitForOverview, waitForNodeRows, waitForStatsPoints, waitForLogEntry, screenshotDesktopAndPhone, assertRealPng } = require('../lib/dashboard');
const { readPageAndAssets, readApiAnswers, readLiveStreams, assertNoSecrets, assertScanSawKeys, assertPasswordNotEchoed } = require('../lib/dashboard');

const PASSWORD = 'dash-pass-123';
const SECRETS = ['app-secret', 'secret-2'];

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-dashboard-'));

const config = () => `broadcaster {
  # A frozen node is unreachable after 2 s and is not removed for 30 s: the page can show it, and it comes back.
  cluster { failure-timeout = 2s, down-after = 30s }
  dashboard { enabled = true, password = "${PASSWORD}" }
  statistics { interval = 1s, database = "${path.join(dataDir, 'stats.db')}" }
  apps = [
    { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true }
    { id = "app-2", key = "key-2", secret = "secret-2" }
  ]
}
`;

const bearer = { Authorization: `Bearer ${PASSWORD}` };

describe('dashboard in Chromium on a two-node cluster (and a third node that comes and goes)', () => {
  const h = useCluster({ size: 2, nginx: false, config });
  let browser = null;
  let page = null;
  const shots = [];

  const dashboardUrl = (slot) => `${slot.httpBase}/dashboard`;

  /** Opens the shared page on node0 unless it is open. */
  async function openPage() {
    if (page) return;
    page = await browser.newPage();
    await page.goto(dashboardUrl(h.cluster.slots[0]));
  }

  /** The shared page, showing the dashboard (signed in through the form if it shows the sign-in form). */
  async function ensureDashboard() {
    await openPage();
    await ensureSignedIn(page, PASSWORD);
  }

  before(async () => {
    browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
  });

  after(
    async () => {
      if (browser) await browser.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (shots.length) process.stderr.write(`[e2e] dashboard screenshots in ${SCREENSHOT_DIR}: ${shots.map((f) => path.basename(f)).join(', ')}\n`);
    },
    { timeout: 20000 }
  );

  h.test('the page is served to anyone; its API answers 401 until signed in, and the form shows a wrong password', async () => {
    const a = h.cluster.slots[0];
    const html = await call(a, 'GET', '/dashboard');
    assert.equal(html.status, 200);
    assert.match(html.headers['content-type'], /^text\/html/);
    assert.ok(html.body.includes('<base href="/dashboard/">'), 'the server puts the base path into <base href>');
    assert.ok(!html.body.includes('__BASE__'), '__BASE__ replaced');
    const script = await call(a, 'GET', '/dashboard/assets/dashboard.js');
    assert.equal(script.status, 200, 'assets need no sign-in');

    for (const p of ['/dashboard/api/overview', '/dashboard/api/live', '/dashboard/api/statistics?app=app-id']) {
      const res = await call(a, 'GET', p);
      assert.equal(res.status, 401, `${p} without a session`);
      assert.match(res.headers['content-type'] || '', /^application\/json/, `${p}: JSON`);
      assert.deepEqual(res.json, { error: 'Sign in required' }, `${p}: body`);
    }
    const wrongBearer = await call(a, 'GET', '/dashboard/api/overview', { headers: { Authorization: 'Bearer not-the-password' } });
    assert.equal(wrongBearer.status, 401, 'a wrong bearer password is no session');

    page = await browser.newPage();
    await page.goto(dashboardUrl(a));
    await page.locator('[data-testid="login-form"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await isVisible(page, '#dashboard-view'), false, 'no dashboard before signing in');
    const overview = browser.traffic.matching('/dashboard/api/overview');
    assert.ok(overview.length >= 1 && overview.every((e) => e.status === 401), `the page asked api/overview and got 401: ${JSON.stringify(overview.map((e) => e.status))}`);

    await signIn(page, 'wrong-password');
    await waitForText(page, '[data-testid="login-error"]', (t) => /wrong password/i.test(t));
    assert.equal(await isVisible(page, '[data-testid="login-form"]'), true, 'still the sign-in form');
    assert.equal(await isVisible(page, '#dashboard-view'), false);
    assert.deepEqual((await browser.context.cookies()).filter((c) => c.name === 'broadcaster_dashboard'), [], 'no session cookie after a wrong password');
    const login = browser.traffic.matching('/dashboard/login');
    assert.equal(login.at(-1).method, 'POST');
    assert.equal(login.at(-1).status, 401);
  });

  h.test('signing in through the form shows the dashboard, with an HttpOnly SameSite=Strict session cookie', async () => {
    await openPage();
    await page.locator('[data-testid="login-form"]').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await signIn(page, PASSWORD);
    await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    assert.equal(await isVisible(page, '#login-view'), false, 'the sign-in form is gone');
    const login = browser.traffic.matching('/dashboard/login').at(-1);
    assert.equal(login.status, 204);
    assert.match(login.requestHeaders['content-type'] || '', /^application\/json/);
    assert.deepEqual(JSON.parse(login.requestBody), { password: PASSWORD });

    const cookie = await sessionCookie(browser);
    assert.ok(cookie, 'a broadcaster_dashboard cookie');
    assert.equal(cookie.httpOnly, true, 'HttpOnly');
    assert.equal(cookie.sameSite, 'Strict', 'SameSite=Strict');
    assert.equal(cookie.path, '/dashboard');
    assert.equal(cookie.secure, false, 'no Secure flag without TLS');
    assert.ok(!cookie.value.includes(PASSWORD), 'the cookie does not carry the password');
    assert.equal(await page.evaluate(() => document.cookie.includes('broadcaster_dashboard')), false, 'invisible to the page script');

    // The cookie is a session for the API too.
    const res = await call(h.cluster.slots[0], 'GET', '/dashboard/api/overview', { headers: { Cookie: `${cookie.name}=${cookie.value}` } });
    assert.equal(res.status, 200);
    assert.equal(res.json.self, nodeId(h.cluster.slots[0]));
  });

  h.test('connections on both nodes: node count, total and each node row', async () => {
    await ensureDashboard();
    const [a, b] = h.cluster.slots;
    const pub = uid('dash-pub');
    const room = `presence-${uid('dash-room')}`;
    const onA = [await h.node(0).connect(), await h.node(0).connect()];
    const onB = [await h.node(1).connect(), await h.node(1).connect(), await h.node(1).connect({ auth: { user: 'dash-user' } })];
    await subscribe(onA[0], pub);
    await subscribe(onB[0], pub);
    await subscribe(onB[1], pub);
    await subscribe(onB[2], room);

    // What the server says, independently of the page.
    const last = await waitForOverview(
      b,
      bearer,
      (o) => {
        const byId = Object.fromEntries(((o && o.nodes) || []).map((n) => [n.id, n]));
        const app = ((o && o.apps) || []).find((x) => x.id === 'app-id');
        return byId[nodeId(a)] && byId[nodeId(a)].connections === 2 && byId[nodeId(b)] && byId[nodeId(b)].connections === 3 && app && app.connections === 5;
      },
      (o) => `api/overview on node1 to count 2 + 3 connections (last: ${JSON.stringify(o)})`
    );
    assert.equal(last.self, nodeId(b));
    assert.deepEqual(last.missing, []);
    assert.deepEqual(last.nodes.map((n) => n.id).sort(), [nodeId(a), nodeId(b)].sort());
    for (const n of last.nodes) {
      assert.equal(n.status, 'Up', `${n.id} status`);
      assert.equal(n.reachable, true);
      assert.equal(n.self, n.id === nodeId(b));
      assert.equal(n.apps['app-id'].connections, n.connections, `${n.id}: the app's share`);
    }
    const app = last.apps.find((x) => x.id === 'app-id');
    assert.equal(app.key, 'app-key');
    assert.deepEqual(app.presence, [{ channel: room, members: 1 }]);
    assert.ok(app.channels >= 2, `app-id channels (${app.channels}): ${pub} and ${room}`);

    // What the page shows (pushed over api/live).
    await waitForText(page, '[data-testid="node-count"]', '2');
    await waitForText(page, '[data-testid="connections-total"]', '5');
    const rows = await waitForNodeRows(
      page,
      (rs) => {
        // Columns: node, status, connections, channels, rates.
        const row = (slot) => rs.find((r) => r.node === nodeId(slot) && r.cells[0].startsWith(nodeId(slot)));
        return rs.length === 2 && row(a) && row(a).cells[2] === '2' && row(b) && row(b).cells[2] === '3';
      },
      (rs) => `the node rows to show 2 connections on ${nodeId(a)} and 3 on ${nodeId(b)} (rows: ${JSON.stringify(rs)})`
    );
    for (const r of rows) assert.equal(r.cells[1], 'Up', `status column of ${r.node}`);
    const shot = await browser.screenshot(page, 'dashboard-connections');
    shots.push(shot);
  });

  h.test('the live log shows an event published through the HTTP API of the other node', async () => {
    await ensureDashboard();
    const [a, b] = h.cluster.slots;
    const channel = uid('dash-log');
    const event = `api-${uid('evt')}`;
    // Also read the stream from Node: the entry's fields as the server sends them.
    const stream = openEventStream(`${a.httpBase}/dashboard/api/live`, { headers: bearer });
    const { status, headers } = await stream.ready;
    assert.equal(status, 200);
    assert.match(headers['content-type'], /^text\/event-stream/);
    try {
      await waitFor(() => stream.messages().some((m) => m.event === 'overview'), 5000, 'a first overview on api/live');
      assert.equal((await h.sdk(1).trigger(channel, event, { from: 'node1' })).status, 200);

      const entry = page.locator('#log [data-kind="api_event"]', { hasText: event });
      await entry.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
      assert.equal(await entry.count(), 1, 'one log entry for one channel');
      const text = await entry.first().textContent();
      assert.ok(text.includes(channel), `the entry names the channel: ${text}`);

      const found = await waitForLogEntry(stream, (x) => x.kind === 'api_event' && x.event === event, `an api_event entry for ${event} on api/live`);
      assert.equal(found.node, nodeId(b), 'the entry names the node that took the API call');
      assert.equal(found.app, 'app-id');
      assert.equal(found.channel, channel);
      assert.equal(found.socket_id, null);
      assert.ok(Math.abs(found.t - Date.now()) < 30000, `entry time ${found.t}`);
    } finally {
      stream.close();
    }
  });

  h.test('the test-event form publishes exactly that event to a subscribed pusher-js client', async () => {
    await ensureDashboard();
    const channel = uid('dash-form');
    const client = await h.node(1).connect();
    const rec = new Recorder();
    const { channel: ch } = await subscribe(client, channel);
    rec.record(ch, 'form-event').record(ch, 'barrier');

    await sendTestEvent(page, { app: 'app-id', channel, event: 'form-event', data: '{"hello":"from the form","n":7}' });

    await rec.waitForCount('form-event', 1, UI_TIMEOUT_MS);
    await waitForText(page, '[data-testid="event-result"]', (t) => /sent/i.test(t));
    await browser.traffic.settle();
    const posted = browser.traffic.matching('/dashboard/api/event').at(-1);
    assert.equal(posted.status, 200);
    assert.deepEqual(JSON.parse(posted.body), {});
    const sent = JSON.parse(posted.requestBody);
    assert.equal(sent.app, 'app-id');
    assert.equal(sent.channel, channel);
    assert.equal(sent.event, 'form-event');
    // A later event is the barrier: nothing else came before it.
    await h.sdk(0).trigger(channel, 'barrier', {});
    await rec.waitForCount('barrier', 1, 5000);
    assert.deepEqual(rec.of('form-event').map((e) => e.data), [{ hello: 'from the form', n: 7 }]);
  });

  h.test('no app secret in the page, its assets, its API answers or the live stream', async () => {
    await ensureDashboard();
    const [a, b] = h.cluster.slots;
    const client = await h.node(0).connect({ key: 'key-2' }); // app-2 is in the overview with a connection
    await waitForText(page, '[data-testid="connections-total"]', '1');

    // Everything a signed-in user can read, fetched directly: the page with its assets, then the API on both nodes.
    const texts = await readPageAndAssets(a);
    const api = await readApiAnswers([a, b], ['/dashboard/api/overview', '/dashboard/api/statistics?app=app-id', '/dashboard/api/statistics?app=app-2'], bearer);
    texts.push(...api.texts);
    const overview = api.json['/dashboard/api/overview'];
    assert.deepEqual(overview.apps.map((x) => x.id).sort(), ['app-2', 'app-id'], 'both apps are listed (so their entries were checked)');

    // The live stream, read inside the page (its cookie) and from Node (bearer) at the same time.
    const { inPage, fromNode } = await readLiveStreams(page, b, bearer);
    assert.equal(inPage.status, 200);
    assert.ok(inPage.text.includes('event: overview'), `the page's own read of api/live got overviews: ${inPage.text.slice(0, 200)}`);
    texts.push({ where: 'api/live read in the page', text: inPage.text }, { where: 'api/live read from Node', text: fromNode });

    // And everything the page itself sent and received since it was opened.
    await browser.traffic.settle();
    assert.ok(browser.traffic.streamMessages.some((m) => m.event === 'overview'), 'the page\'s EventSource received overviews');
    assert.ok(browser.traffic.matching('/dashboard/api/').some((e) => e.status === 200 && e.body), 'the page read API answers');
    texts.push(...browser.traffic.texts());

    assertNoSecrets(texts, SECRETS);
    // The control: the same scan does find the apps' public keys, so it looked at the apps' data.
    assertScanSawKeys(texts, ['app-key', 'key-2']);
    assertPasswordNotEchoed(browser.traffic.exchanges, PASSWORD);
    client.disconnect();
  });

  h.test('the live log pauses and resumes, filters by app, channel and event, and says what it sampled out under load', async () => {
    await ensureDashboard();
    await page.locator('[data-testid="log-clear"]').click();
    const sdk = h.sdk(1);
    const [c1, c2, e1, e2] = [uid('dash-f1'), uid('dash-f2'), `evt-${uid('one')}`, `evt-${uid('two')}`];
    const shown = () =>
      page.evaluate(() => [...document.querySelectorAll('#log [data-testid="log-entry"]')].map((li) => ({ ...li.dataset })));
    const waitShown = async (ok, what) => {
      let last = null;
      await waitFor(async () => ok((last = await shown())), UI_TIMEOUT_MS, () => `the log to show ${what} (shows ${JSON.stringify(last && last.slice(0, 10))})`);
      return last;
    };

    // Paused: the entry is held and counted, not shown; resumed: it is shown.
    await page.locator('[data-testid="log-pause"]').click();
    await sdk.trigger(c1, e1, { n: 1 });
    await waitFor(async () => Number(await page.locator('[data-testid="log-pending"]').getAttribute('data-count')) >= 1, UI_TIMEOUT_MS, 'the pause to count a held entry');
    assert.equal((await shown()).filter((x) => x.event === e1).length, 0, 'a held entry is not shown while paused');
    await page.locator('[data-testid="log-pause"]').click();
    await waitShown((xs) => xs.some((x) => x.event === e1), `${e1} after resuming`);
    assert.equal(await page.locator('[data-testid="log-pending"]').isVisible(), false);

    // Entries of two channels and of the second app.
    await sdk.trigger(c2, e2, { n: 2 });
    const other = await h.node(0).connect({ key: 'key-2' });
    await waitShown((xs) => xs.some((x) => x.event === e2) && xs.some((x) => x.app === 'app-2' && x.kind === 'connected'), `${e2} and an app-2 connection`);

    await page.locator('[data-testid="log-app"]').selectOption('app-2');
    let xs = await waitShown((v) => v.length > 0 && v.every((x) => x.app === 'app-2'), 'app-2 entries only');
    assert.ok(xs.some((x) => x.kind === 'connected'));
    await page.locator('[data-testid="log-app"]').selectOption('');

    await page.locator('[data-testid="log-channel"]').fill(c2);
    xs = await waitShown((v) => v.length > 0 && v.every((x) => x.channel.includes(c2)), `${c2} entries only`);
    assert.ok(xs.some((x) => x.event === e2) && !xs.some((x) => x.event === e1));
    await page.locator('[data-testid="log-channel"]').fill('');

    await page.locator('[data-testid="log-event"]').fill(e1);
    xs = await waitShown((v) => v.length > 0 && v.every((x) => x.event === e1), `${e1} entries only`);
    await page.locator('[data-testid="log-event"]').fill('');
    await waitShown((v) => v.some((x) => x.event === e1) && v.some((x) => x.event === e2), 'every entry again');
    other.disconnect();

    // A burst far above what a node sends a page (100 entries per 250 ms): the rest is counted as sampled out.
    const c3 = uid('dash-burst');
    const batches = Array.from({ length: 300 }, (_, i) => Array.from({ length: 10 }, (_, k) => ({ channel: c3, name: 'burst', data: { i, k } })));
    const answers = await Promise.all(batches.map((b) => sdk.triggerBatch(b)));
    assert.ok(answers.every((r) => r.status === 200), 'every batch accepted');
    await waitFor(async () => Number(await page.locator('[data-testid="log-dropped"]').getAttribute('data-count')) > 0, UI_TIMEOUT_MS, 'the page to say entries were sampled out');
    assert.match(await page.locator('[data-testid="log-dropped"]').textContent(), /sampled out under load/);
    const burst = (await shown()).filter((x) => x.channel === c3).length;
    assert.ok(burst > 0 && burst < 3000, `some of the burst shown, not all of it (${burst})`);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });

  h.test('screenshots at desktop and phone size once data is shown', async () => {
    await ensureDashboard();
    const channel = uid('dash-shot');
    const clients = [await h.node(0).connect(), await h.node(1).connect(), await h.node(1).connect()];
    for (const c of clients) await subscribe(c, channel);
    await h.sdk(1).trigger(channel, 'shot-event', { for: 'the log' });
    await waitForText(page, '[data-testid="connections-total"]', '3');
    await page.locator('#log [data-kind="api_event"]', { hasText: 'shot-event' }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // The statistics of the last hour: the earlier tests' connections and events, one row per second and node.
    await page.locator('[data-testid="stats-range"]').selectOption('1');
    await waitForStatsPoints(page);

    const { files, overflow } = await screenshotDesktopAndPhone(browser, page, 'dashboard');
    shots.push(...files);
    assert.ok(overflow <= 1, `the page scrolls sideways on a 375 px phone by ${overflow} px (wide content must scroll inside its card)`);
    for (const file of files) assertRealPng(file);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });

  h.test('a third node: shown Up, unreachable while frozen, Up again, draining while it stops, then gone', async (t) => {
    await ensureDashboard();
    const slot = await h.cluster.addNode();
    const id = nodeId(slot);
    const states = () => page.evaluate(() => window.nodeStatesSeen);
    // Every set of badges the page shows in the new node's status cell, as the page renders them ('gone' without a row).
    await page.evaluate((node) => {
      const seen = (window.nodeStatesSeen = []);
      const body = document.getElementById('nodes-body');
      const record = () => {
        const row = [...body.rows].find((r) => r.getAttribute('data-node') === node);
        const now = row ? [...row.cells[1].querySelectorAll('.badge')].map((b) => b.textContent).join(' ') : 'gone';
        if (seen[seen.length - 1] !== now) seen.push(now);
      };
      new MutationObserver(record).observe(body, { subtree: true, childList: true, characterData: true });
      record();
    }, id);
    const waitForState = async (ok, what) => {
      await waitFor(async () => ok((await states()).at(-1)), 20000, async () => `the page to show ${id} ${what} (seen: ${JSON.stringify(await states())})`);
    };
    const otherRowsUp = async () => {
      const rows = await nodeRows(page);
      for (const r of rows.filter((x) => x.node !== id)) assert.equal(r.cells[1], 'Up', `${r.node} stays Up`);
    };

    await waitForText(page, '[data-testid="node-count"]', '3');
    await waitForState((s) => s === 'Up', 'Up');

    // Frozen (SIGSTOP): it answers no heartbeat, so the others see it unreachable; thawed in time, it is back.
    process.kill(slot.server.pid, 'SIGSTOP');
    try {
      await waitForState((s) => /unreachable/.test(s || ''), 'unreachable');
      await otherRowsUp();
      shots.push(await browser.screenshot(page, 'dashboard-unreachable'));
    } finally {
      process.kill(slot.server.pid, 'SIGCONT');
    }
    await waitForState((s) => s === 'Up', 'Up again');

    // Stopped gracefully while a client does not answer the close (its socket is not read): the node drains for the
    // close timeout, shown as draining, then leaves and its row goes.
    const stuck = await connectPusher({ port: slot.port });
    stuck.ws.socket.pause();
    const exited = h.cluster.terminateNode(slot.index);
    try {
      await waitForState((s) => /draining/.test(s || ''), 'draining');
      await otherRowsUp();
      await waitForState((s) => s === 'gone', 'gone from the list');
      await waitForText(page, '[data-testid="node-count"]', '2');
    } finally {
      stuck.ws.destroy();
    }
    const exit = await exited;
    assert.equal(exit.code, 0, 'the third node stopped gracefully');
    t.diagnostic(`the page showed ${id} as: ${(await states()).join(' -> ')}`);
    assert.deepEqual(browser.pageErrors, [], 'no uncaught errors in the page');
  });

  h.test('an enabled dashboard without a password refuses to start (exit 2)', async () => {
    const file = path.join(dataDir, 'no-password.conf');
    fs.writeFileSync(file, config().replace(`password = "${PASSWORD}"`, 'password = ""'));
    const port = await freePort();
    const env = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' };
    delete env.BROADCASTER_DASHBOARD_PASSWORD;
    const res = await runProcess('dotnet', [dllPath(), 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', file], { env, timeoutMs: 20000 });
    assert.equal(res.code, 2, `exit code (stdout ${res.stdout}, stderr ${res.stderr})`);
    assert.match(res.stderr, /password/i, 'the error names the password');
  });

  // Last: the failure counter is per address, and every request here comes from 127.0.0.1.
  h.test('repeated wrong passwords get 429 with Retry-After', async () => {
    const b = h.cluster.slots[1];
    const statuses = [];
    let limited = null;
    for (let i = 0; i < 50 && !limited; i++) {
      const res = await call(b, 'POST', '/dashboard/login', { body: { password: `wrong-${i}` } });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else {
        assert.equal(res.status, 401, `attempt ${i + 1}: ${res.body}`);
        assert.deepEqual(res.json, { error: 'Wrong password' });
        assert.equal(res.headers['set-cookie'], undefined, 'no cookie for a wrong password');
      }
    }
    assert.ok(limited, `no 429 after 50 wrong passwords: ${JSON.stringify(statuses)}`);
    assert.ok(statuses.filter((s) => s === 401).length >= 3, `a few tries are allowed before the limit: ${JSON.stringify(statuses)}`);
    assert.match(limited.headers['content-type'] || '', /^application\/json/);
    assert.equal(typeof limited.json.error, 'string');
    assert.match(String(limited.headers['retry-after']), /^[1-9]\d*$/, `Retry-After: ${limited.headers['retry-after']}`);
    const again = await call(b, 'POST', '/dashboard/login', { body: { password: 'wrong-again' } });
    assert.equal(again.status, 429, 'still limited');
  });
});
