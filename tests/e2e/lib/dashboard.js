'use strict';

/**
 * Helpers for the dashboard and statistics suites: one HTTP request to a node of a cluster (`call`), the id the
 * dashboard shows for a node, reading and waiting on the page through Playwright (texts, visibility, the node table,
 * the sign-in form, the statistics counter, a live-log entry on a stream read from Node), and the "no app secret"
 * scan: everything a signed-in user can read, collected as [{ where, text }] and searched for the secrets; and the
 * screenshots at desktop and phone size.
 *
 *   const res = await call(slot, 'GET', '/dashboard/api/overview', { headers: { Authorization: 'Bearer ...' } });
 *   await waitForText(page, '[data-testid="node-count"]', '2');
 *   const texts = [...(await readPageAndAssets(slot)), ...(await readApiAnswers(slots, paths, headers)).texts];
 *   assertNoSecrets(texts, ['app-secret']);
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');

const { waitFor } = require('./wait');
const { requestText } = require('./http');
const { readStreamInPage, openEventStream } = require('./browser');

const UI_TIMEOUT_MS = 10000;

/** One HTTP request to a node: resolves { status, headers, body, json } (json null when the body is not JSON). */
async function call(slot, method, urlPath, { headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const res = await requestText({
    options: {
      host: slot.host,
      port: slot.port,
      path: urlPath,
      method,
      timeout: 5000,
      agent: false,
      headers: { ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}), ...headers },
    },
    body: payload,
    timeoutMessage: `${method} ${urlPath} on ${slot.name}: no answer within 5 s`,
  });
  let json = null;
  try {
    json = JSON.parse(res.body);
  } catch (_) {
    /* not JSON */
  }
  return { ...res, json };
}

/** The node's id in the dashboard and the statistics table: its cluster address. */
const nodeId = (slot) => `127.0.0.1:${slot.clusterPort}`;

/** Text of the element matching `selector` (null while there is none). */
function textOf(page, selector) {
  return page.evaluate((s) => {
    const el = document.querySelector(s);
    return el ? el.textContent.trim() : null;
  }, selector);
}

function isVisible(page, selector) {
  return page.locator(selector).isVisible();
}

/** Waits (bounded) until the element's text satisfies `ok` (a string or a predicate); resolves the text. */
async function waitForText(page, selector, ok, timeoutMs = UI_TIMEOUT_MS) {
  let last = null;
  const matches = typeof ok === 'function' ? ok : (t) => t === ok;
  await waitFor(
    async () => {
      last = await textOf(page, selector);
      return last !== null && matches(last);
    },
    timeoutMs,
    () => `${selector} to show ${typeof ok === 'function' ? 'the expected text' : JSON.stringify(ok)} (shows ${JSON.stringify(last)})`
  );
  return last;
}

/** The cluster table's rows: { node (its data-node), cells (texts) }. */
function nodeRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('#nodes-body tr')].map((tr) => ({ node: tr.getAttribute('data-node'), cells: [...tr.cells].map((td) => td.textContent.trim()) }))
  );
}

/** Fills in the sign-in form and submits it. */
async function signIn(page, password) {
  await page.locator('#login-password').fill(password);
  await page.locator('[data-testid="login-form"] button[type="submit"]').click();
}

/** Waits (bounded) for the sign-in form or the dashboard; signs in with `password` if it is the form; waits for the dashboard. */
async function ensureSignedIn(page, password) {
  await waitFor(async () => (await isVisible(page, '#login-view')) || (await isVisible(page, '#dashboard-view')), UI_TIMEOUT_MS, 'the sign-in form or the dashboard');
  if (await isVisible(page, '#login-view')) await signIn(page, password);
  await page.locator('#dashboard-view').waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
}

/** The page's session cookie (broadcaster_dashboard) in `browser` (launchBrowser), or undefined. */
async function sessionCookie(browser) {
  return (await browser.context.cookies()).find((c) => c.name === 'broadcaster_dashboard');
}

/** Waits (bounded) until `ok(rows)` holds for the cluster table's rows (nodeRows); resolves them. */
async function waitForNodeRows(page, ok, description) {
  let rows = null;
  await waitFor(
    async () => {
      rows = await nodeRows(page);
      return ok(rows);
    },
    UI_TIMEOUT_MS,
    () => description(rows)
  );
  return rows;
}

/** Fills in the test-event form ({ app, channel, event, data }) and submits it. */
async function sendTestEvent(page, { app, channel, event, data }) {
  const form = page.locator('[data-testid="event-form"]');
  await form.locator('select[name="app"]').selectOption(app);
  await form.locator('input[name="channel"]').fill(channel);
  await form.locator('input[name="event"]').fill(event);
  await form.locator('textarea[name="data"]').fill(data);
  await form.locator('button[type="submit"]').click();
}

/** Waits (bounded) until `ok(overview)` holds for GET api/overview on `slot` with `headers`; resolves that overview. */
async function waitForOverview(slot, headers, ok, description) {
  let last = null;
  await waitFor(
    async () => {
      last = (await call(slot, 'GET', '/dashboard/api/overview', { headers })).json;
      return ok(last);
    },
    UI_TIMEOUT_MS,
    () => description(last)
  );
  return last;
}

/** Waits (bounded) until the statistics counter shows points; resolves its data-points. */
async function waitForStatsPoints(page) {
  let points = null;
  await waitFor(
    async () => {
      points = await page.locator('[data-testid="stats-points"]').getAttribute('data-points');
      return Number(points) > 0;
    },
    UI_TIMEOUT_MS,
    () => `the statistics chart to show points (data-points ${JSON.stringify(points)})`
  );
  return points;
}

/** Waits (bounded, 5 s) until a `log` message of `stream` (openEventStream) has an entry `matches` accepts; resolves it. */
async function waitForLogEntry(stream, matches, description) {
  let found = null;
  await waitFor(
    () => {
      for (const m of stream.messages()) {
        if (m.event !== 'log') continue;
        const e = JSON.parse(m.data).entries.find(matches);
        if (e) found = e;
      }
      return found;
    },
    5000,
    description
  );
  return found;
}

/** GET /dashboard and every asset it references (each must answer 200): [{ where, text }]. */
async function readPageAndAssets(slot) {
  const html = await call(slot, 'GET', '/dashboard');
  const assets = [...html.body.matchAll(/(?:href|src)="(assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.ok(assets.includes('assets/dashboard.js') && assets.includes('assets/dashboard.css'), `assets referenced: ${assets}`);
  const texts = [{ where: 'GET /dashboard', text: html.body }];
  for (const asset of assets) {
    const res = await call(slot, 'GET', `/dashboard/${asset}`);
    assert.equal(res.status, 200, asset);
    texts.push({ where: asset, text: res.body });
  }
  return texts;
}

/**
 * GET every path on every slot with `headers` (each must answer 200): { texts, json } with texts the headers and
 * bodies as [{ where, text }] and json[path] the parsed answer of the last slot.
 */
async function readApiAnswers(slots, paths, headers) {
  const texts = [];
  const json = {};
  for (const p of paths) {
    for (const slot of slots) {
      const res = await call(slot, 'GET', p, { headers });
      assert.equal(res.status, 200, `${p} on ${slot.name}`);
      texts.push({ where: `${p} on ${slot.name}`, text: `${JSON.stringify(res.headers)}\n${res.body}` });
      json[p] = res.json;
    }
  }
  return { texts, json };
}

/**
 * api/live read at the same time inside `page` (its cookie, for 2.5 s) and from Node on `slot` with `headers`
 * (until two overviews came): resolves { inPage: { status, contentType, text }, fromNode: text }.
 */
async function readLiveStreams(page, slot, headers) {
  const [inPage, fromNode] = await Promise.all([
    readStreamInPage(page, 'api/live', 2500),
    (async () => {
      const s = openEventStream(`${slot.httpBase}/dashboard/api/live`, { headers });
      await s.ready;
      await waitFor(() => s.messages().filter((m) => m.event === 'overview').length >= 2, 5000, `two overviews on api/live from ${slot.name}`);
      s.close();
      return s.text;
    })(),
  ]);
  return { inPage, fromNode };
}

/** Asserts that no text of `texts` ([{ where, text }]) contains any of `secrets`. */
function assertNoSecrets(texts, secrets) {
  for (const { where, text } of texts) {
    for (const secret of secrets) assert.ok(!text.includes(secret), `app secret '${secret}' found in ${where}`);
  }
}

/** The control for assertNoSecrets: the same texts do hold each of the apps' public `keys`, so the scan looked at the apps' data. */
function assertScanSawKeys(texts, keys) {
  for (const key of keys) {
    assert.ok(texts.some(({ where, text }) => where.includes('api/overview') && text.includes(key)), `${key} in an api/overview answer`);
    assert.ok(texts.some(({ where, text }) => where.includes('event-stream message') && text.includes(key)), `${key} in the page's event stream`);
  }
}

/** Asserts that no response body the page received (browser.traffic.exchanges) contains `password`. */
function assertPasswordNotEchoed(exchanges, password) {
  for (const e of exchanges) {
    assert.ok(!(e.body || '').includes(password), `the dashboard password is echoed in ${e.url}`);
  }
}

/**
 * Full-page screenshots `<prefix>-desktop` at 1280x900 and `<prefix>-phone` at 375x800 (browser.screenshot), then the
 * desktop size again: resolves { files, overflow } with overflow how far the phone-sized page scrolls sideways (px).
 */
async function screenshotDesktopAndPhone(browser, page, prefix) {
  await page.setViewportSize({ width: 1280, height: 900 });
  const files = [await browser.screenshot(page, `${prefix}-desktop`)];
  await page.setViewportSize({ width: 375, height: 800 });
  await waitFor(async () => (await page.evaluate(() => window.innerWidth)) === 375, 5000, 'the phone-sized viewport');
  files.push(await browser.screenshot(page, `${prefix}-phone`));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 1280, height: 900 });
  return { files, overflow };
}

/** Asserts that `file` is a real PNG of more than 10 kB. */
function assertRealPng(file) {
  const png = fs.readFileSync(file);
  assert.ok(png.length > 10000 && png.subarray(1, 4).toString() === 'PNG', `${file} is a real PNG (${png.length} bytes)`);
}

module.exports = {
  UI_TIMEOUT_MS,
  call,
  nodeId,
  textOf,
  isVisible,
  waitForText,
  nodeRows,
  signIn,
  ensureSignedIn,
  sessionCookie,
  waitForNodeRows,
  sendTestEvent,
  waitForOverview,
  waitForStatsPoints,
  waitForLogEntry,
  readPageAndAssets,
  readApiAnswers,
  readLiveStreams,
  assertNoSecrets,
  assertScanSawKeys,
  assertPasswordNotEchoed,
  screenshotDesktopAndPhone,
  assertRealPng,
};
