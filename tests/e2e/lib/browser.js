'use strict';

/**
 * Headless Chromium for the dashboard suite, driven by playwright-core (which never downloads a browser of its
 * own): Debian's `chromium` package (installed by scripts/install-test-deps.sh) at /usr/bin/chromium, or
 * CHROMIUM_PATH. Each session gets a fresh temporary profile, which close() removes.
 *
 *   const b = await launchBrowser({ viewport: { width: 1280, height: 900 } });
 *   const page = await b.newPage();            // every request and response of the page is recorded in b.traffic
 *   await b.screenshot(page, 'dashboard-desktop');
 *   await b.close();
 *
 * b.traffic keeps, for the "no secret in what the page sees" checks, every request (URL, headers, body) and
 * response (status, headers, body text) and every message of an EventSource (through the DevTools protocol:
 * an event stream never ends, so Playwright's response.body() would never resolve for it); b.pageErrors the
 * uncaught exceptions of its pages. readStreamInPage() reads a stream for a bounded time inside the page (with
 * its cookie); openEventStream() / readEventStream() read one from Node.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const { REPO_ROOT } = require('./server');
const { delay } = require('./wait');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SCREENSHOT_DIR = path.join(REPO_ROOT, 'tests', 'e2e', 'artifacts', 'screenshots');
const CLOSE_TIMEOUT_MS = 10000;

function chromiumPath() {
  const exe = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    fs.accessSync(exe, fs.constants.X_OK);
  } catch (_) {
    throw new Error(
      `Chromium not found at ${exe}. The dashboard end-to-end tests drive a real headless Chromium:\n` +
        `  sudo bash ${path.join(REPO_ROOT, 'scripts', 'install-test-deps.sh')}\n` +
        `or point CHROMIUM_PATH at a Chromium binary.`
    );
  }
  return exe;
}

/** Rejects with `message` when `promise` has not settled within `ms`. */
function within(promise, ms, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} (after ${ms} ms)`)), ms);
    }),
  ]);
}

/** Pids of the processes whose command line names `needle` (the browser's profile directory: only ours). */
function pidsWith(needle) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch (_) {
      /* gone */
    }
  }
  return pids;
}

/** What a page sent and received: requests with their responses, and EventSource messages. */
class Traffic {
  constructor() {
    this.exchanges = []; // { method, url, requestHeaders, requestBody, status, responseHeaders, contentType, body }
    this.streamMessages = []; // { url, event, data } from EventSource connections
    this.pending = new Set();
  }

  watch(page) {
    page.on('response', (response) => {
      const request = response.request();
      const exchange = {
        method: request.method(),
        url: response.url(),
        requestHeaders: request.headers(),
        requestBody: request.postData() || '',
        status: response.status(),
        responseHeaders: response.headers(),
        contentType: response.headers()['content-type'] || '',
        body: null,
      };
      this.exchanges.push(exchange);
      // An event stream never ends: its messages come through the DevTools protocol instead.
      if (exchange.contentType.startsWith('text/event-stream')) return;
      const read = response
        .body()
        .then((buf) => {
          exchange.body = buf.toString('utf8');
        })
        .catch((err) => {
          exchange.body = '';
          exchange.bodyError = err.message;
        })
        .finally(() => this.pending.delete(read));
      this.pending.add(read);
    });
  }

  /** Waits (bounded) until every response body seen so far has been read. */
  async settle(timeoutMs = 5000) {
    await within(Promise.all([...this.pending]), timeoutMs, `reading ${this.pending.size} response bodies`);
  }

  /** Every exchange whose URL path contains `part`. */
  matching(part) {
    return this.exchanges.filter((e) => new URL(e.url).pathname.includes(part));
  }

  /** Everything as one text per item, for "x appears nowhere" checks: [{ where, text }]. */
  texts() {
    const out = [];
    for (const e of this.exchanges) {
      out.push({ where: `request ${e.method} ${e.url}`, text: `${e.url}\n${JSON.stringify(e.requestHeaders)}\n${e.requestBody}` });
      out.push({ where: `response ${e.status} ${e.url}`, text: `${JSON.stringify(e.responseHeaders)}\n${e.body || ''}` });
    }
    for (const m of this.streamMessages) out.push({ where: `event-stream message '${m.event}' of ${m.url}`, text: m.data });
    return out;
  }
}

class BrowserSession {
  constructor(context, userDataDir, viewport) {
    this.context = context;
    this.userDataDir = userDataDir;
    this.viewport = viewport;
    this.traffic = new Traffic();
    this.pageErrors = []; // uncaught exceptions in any of its pages
    this.closed = false;
  }

  /** A new tab whose traffic (and EventSource messages) is recorded in this.traffic. */
  async newPage() {
    const page = await this.context.newPage();
    await page.setViewportSize(this.viewport);
    this.traffic.watch(page);
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
    const cdp = await this.context.newCDPSession(page);
    const urls = new Map();
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.eventSourceMessageReceived', (e) =>
      this.traffic.streamMessages.push({ url: urls.get(e.requestId) || '?', event: e.eventName, data: e.data })
    );
    await cdp.send('Network.enable');
    return page;
  }

  /** Full-page PNG in tests/e2e/artifacts/screenshots/<name>.png; returns its path. */
  async screenshot(page, name) {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: 10000 });
    return file;
  }

  /** Closes the browser (bounded; SIGKILL of its own processes if it hangs) and removes the profile. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      await within(this.context.close(), CLOSE_TIMEOUT_MS, 'closing Chromium');
    } catch (_) {
      for (const pid of pidsWith(this.userDataDir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch (__) {
          /* gone */
        }
      }
    }
    fs.rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

/** Starts headless Chromium with a fresh profile; resolves a BrowserSession. */
async function launchBrowser({ viewport = { width: 1280, height: 900 } } = {}) {
  const { chromium } = require('playwright-core');
  const executablePath = chromiumPath();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      timeout: 30000,
    });
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  // The persistent context opens with one blank tab; tests use their own.
  for (const p of context.pages()) await p.close();
  return new BrowserSession(context, userDataDir, viewport);
}

/**
 * Reads `url` (relative to the page, with the page's cookies) from inside the page for `ms` milliseconds and
 * resolves { status, contentType, text }: a bounded look at a stream that never ends.
 */
async function readStreamInPage(page, url, ms) {
  return page.evaluate(
    async ({ url: u, ms: limit }) => {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), limit);
      let status = 0;
      let contentType = '';
      let text = '';
      try {
        const res = await fetch(u, { signal: controller.signal, credentials: 'same-origin' });
        status = res.status;
        contentType = res.headers.get('content-type') || '';
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
      } catch (_) {
        /* aborted at the end of the window */
      } finally {
        clearTimeout(timer);
      }
      return { status, contentType, text };
    },
    { url, ms }
  );
}

/**
 * GET `url` from Node with `headers` and keep reading the body: { ready, text, messages(), close() }.
 * `ready` resolves { status, headers } once the response has started (rejects when the request fails);
 * `text` is everything received so far; close() ends the request. Callers wait on it with lib/wait.js.
 */
function openEventStream(url, { headers = {} } = {}) {
  const stream = {
    text: '',
    ended: false,
    messages: () => parseEventStream(stream.text),
    close: () => req.destroy(),
  };
  let req;
  stream.ready = new Promise((resolve, reject) => {
    req = http.get(url, { headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (c) => (stream.text += c));
      res.on('end', () => (stream.ended = true));
      res.on('error', () => (stream.ended = true));
      resolve({ status: res.statusCode, headers: res.headers });
    });
    req.on('error', (err) => {
      stream.ended = true;
      reject(err);
    });
  });
  stream.ready.catch(() => {});
  return stream;
}

/** openEventStream() for `ms` milliseconds (or until the body ends): resolves { status, headers, text }. */
async function readEventStream(url, { headers = {}, ms = 3000 } = {}) {
  const stream = openEventStream(url, { headers });
  const { status, headers: responseHeaders } = await stream.ready;
  const deadline = Date.now() + ms;
  while (!stream.ended && Date.now() < deadline) await delay(20);
  stream.close();
  return { status, headers: responseHeaders, text: stream.text };
}

/** Splits event-stream text into [{ event, data }] (complete messages only). */
function parseEventStream(text) {
  const messages = [];
  for (const block of text.split(/\r?\n\r?\n/).slice(0, -1)) {
    let event = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) messages.push({ event, data: data.join('\n') });
  }
  return messages;
}

module.exports = { launchBrowser, readStreamInPage, openEventStream, readEventStream, parseEventStream, SCREENSHOT_DIR, CHROMIUM_ARGS, chromiumPath };
