'use strict';

// Reverse proxies as Pixelfed documents them, with real nginx and Caddy processes in front of real nodes:
//  (a) nginx terminates TLS on a dedicated port and proxies to a plain node: pusher-js (forceTLS) and the
//      pusher SDK (useTLS) talk to the proxy only;
//  (b) nginx serves the site's own server block: a web location and a `/ws` location proxied to a node with
//      path-prefix "/ws"; pusher-js uses wsPath '/ws', the API is called under /ws but signed over /apps/...;
//  (c) Caddy with `handle /ws*` in front of the same prefixed node;
//  (d) the dashboard of that node through the nginx `/ws` location: a Secure session cookie (TLS ends at nginx), and
//      its live stream arriving as it happens although the location does not turn nginx's buffering off.
// X-Forwarded-For added by the proxies (and spoofed by clients before them) must not break anything.

const { describe, before, after, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startServer, freePort } = require('../lib/server');
const { hasOpenssl } = require('../lib/tls');
const { startNodeWithEnv, selfSignedCert, signedRequest, get, startNginxTls, startCaddy, runProxyClient } = require('../lib/proxies');
const { connectPusher } = require('../lib/ws-raw');
const { Pusher, waitConnected, subscribe, uid } = require('../lib/clients');
const { waitFor, waitForEvent } = require('../lib/wait');
const { requestText } = require('../lib/http');
const https = require('node:https');

const DASHBOARD_PASSWORD = 'proxied-dashboard-pw';

describe('reverse proxies in front of nodes (nginx TLS termination, /ws location, Caddy)', () => {
  let dir;
  let tls;
  let ca;
  let plainNode;
  let prefixNode;
  let nginx;
  let caddy;
  let ports;
  const clients = [];
  const raws = [];

  const withOutput = (fn) => async (t) => {
    try {
      await fn(t);
    } catch (err) {
      if (err && typeof err.message === 'string') {
        for (const [label, x] of [['plain node', plainNode], ['/ws node', prefixNode], ['nginx', nginx], ['caddy', caddy]]) {
          if (x) err.message += `\n--- ${label} (last 25 lines) ---\n${x.output(25)}`;
        }
      }
      throw err;
    }
  };

  before(
    async () => {
      if (!hasOpenssl()) throw new Error('the openssl CLI is needed for the proxy certificate');
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-proxies-'));
      tls = selfSignedCert(dir);
      ca = fs.readFileSync(tls.cert);
      plainNode = await startServer({ name: 'plain-node' });
      prefixNode = await startNodeWithEnv({
        env: { BROADCASTER_PATH_PREFIX: '/ws', BROADCASTER_DASHBOARD_ENABLED: '1', BROADCASTER_DASHBOARD_PASSWORD: DASHBOARD_PASSWORD },
        prefix: '/ws',
        name: 'ws-node',
      });
      ports = { dedicated: await freePort(), site: await freePort(), caddy: await freePort() };
      nginx = await startNginxTls({ dir, cert: tls.cert, key: tls.key, dedicatedPort: ports.dedicated, sitePort: ports.site, plainNodePort: plainNode.port, prefixNodePort: prefixNode.port });
      caddy = await startCaddy({ dir, port: ports.caddy, prefixNodePort: prefixNode.port });
    },
    { timeout: 90000 }
  );

  after(
    async () => {
      for (const c of clients) c.disconnect();
      for (const r of raws) r.ws.destroy();
      for (const x of [caddy, nginx, prefixNode, plainNode]) if (x) await x.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 30000 }
  );

  it('(a) nginx terminates TLS: pusher-js forceTLS receives events from the SDK (useTLS) and from a request with a spoofed X-Forwarded-For', { timeout: 30000 }, withOutput(async () => {
    const up = await get({ scheme: 'https', port: ports.dedicated, path: '/up', ca });
    assert.equal(up.status, 200);
    assert.deepEqual(JSON.parse(up.body), { status: 'up' });
    const channel = uid('tls-proxy');
    const result = await runProxyClient(tls.cert, {
      port: ports.dedicated,
      forceTLS: true,
      channel,
      triggers: [
        { mode: 'sdk', event: 'via-sdk', payload: { through: 'nginx', tls: true, text: 'über 🔒' } },
        { mode: 'signed', event: 'via-xff', payload: { xff: true }, headers: { 'X-Forwarded-For': '203.0.113.7, not-an-ip, 2001:db8::1' } },
      ],
    });
    assert.match(result.socketId, /^\d+\.\d+$/);
    assert.deepEqual(result.statuses, [200, 200]);
    assert.deepEqual(result.received['via-sdk'], { through: 'nginx', tls: true, text: 'über 🔒' });
    assert.deepEqual(result.received['via-xff'], { xff: true });
    // nginx logs an upgraded request when the connection ends, a moment after the client process has gone.
    const access = await waitFor(() => {
      const text = fs.readFileSync(path.join(dir, 'nginx-access.log'), 'utf8');
      return /GET \/app\/app-key\?protocol=7[^"]* HTTP\/1\.1" 101/.test(text) ? text : null;
    }, 10000, 'the WebSocket line in the nginx access log');
    assert.match(access, /GET \/app\/app-key\?protocol=7[^"]* HTTP\/1\.1" 101/, 'the WebSocket went through nginx');
    assert.match(access, /POST \/apps\/app-id\/events\?[^"]* HTTP\/1\.1" 200/, 'the API calls went through nginx');
  }));

  it('(b) nginx site block: web location answers, pusher-js with wsPath /ws receives events triggered under /ws (signed over /apps/...)', { timeout: 30000 }, withOutput(async () => {
    const web = await get({ scheme: 'https', port: ports.site, path: '/', ca });
    assert.deepEqual({ status: web.status, body: web.body }, { status: 200, body: 'web' });
    const webUp = await get({ scheme: 'https', port: ports.site, path: '/up', ca });
    assert.equal(webUp.body, 'web', '/up outside /ws belongs to the site, not the node');
    const wsUp = await get({ scheme: 'https', port: ports.site, path: '/ws/up', ca });
    assert.equal(wsUp.status, 200);
    assert.deepEqual(JSON.parse(wsUp.body), { status: 'up' });

    const channel = uid('ws-location');
    const result = await runProxyClient(tls.cert, {
      port: ports.site,
      forceTLS: true,
      wsPath: '/ws',
      channel,
      triggers: [
        { mode: 'signed', prefix: '/ws', event: 'signed-under-ws', payload: { n: 1 } },
        { mode: 'sdk-base-path', prefix: '/ws', event: 'sdk-under-ws', payload: { n: 2 } },
      ],
    });
    assert.deepEqual(result.statuses, [200, 200]);
    assert.deepEqual(result.received, { 'signed-under-ws': { n: 1 }, 'sdk-under-ws': { n: 2 } });

    // The HTTP API answers under /ws too; a signature over the prefixed path is refused (the node checks
    // the path without its prefix, as the README says).
    const list = await signedRequest({ scheme: 'https', port: ports.site, prefix: '/ws', method: 'GET', subPath: '/channels', ca });
    assert.equal(list.status, 200, list.body);
    assert.ok(JSON.parse(list.body).channels, list.body);
    const wrong = await signedRequest({ scheme: 'https', port: ports.site, prefix: '/ws', method: 'GET', subPath: '/channels', ca, signPrefix: true });
    assert.equal(wrong.status, 401, `signature over /ws/apps/... must be refused: ${wrong.body}`);
  }));

  it('(d) the dashboard through the nginx /ws location: a Secure session cookie, and a live stream that nginx does not hold back', { timeout: 30000 }, withOutput(async () => {
    const page = await get({ scheme: 'https', port: ports.site, path: '/ws/dashboard/', ca });
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    const body = JSON.stringify({ password: DASHBOARD_PASSWORD });
    const login = await requestText({
      scheme: 'https',
      options: { host: '127.0.0.1', port: ports.site, method: 'POST', path: '/ws/dashboard/login', ca, agent: false, timeout: 5000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      body,
    });
    assert.equal(login.status, 204, login.body);
    const cookie = (login.headers['set-cookie'] || [])[0] || '';
    // TLS ends at nginx; the node reads X-Forwarded-Proto from its loopback proxy and marks the cookie Secure.
    assert.match(cookie, /; secure/i, cookie);
    assert.match(cookie, /; path=\/ws\/dashboard/i, cookie);
    assert.match(cookie, /; httponly/i, cookie);

    // The live stream through nginx: the node's X-Accel-Buffering: no makes nginx pass each event on at once.
    let text = '';
    const opened = Date.now();
    const req = https.get({ host: '127.0.0.1', port: ports.site, path: '/ws/dashboard/api/live', ca, agent: false, headers: { cookie: cookie.split(';')[0] } });
    try {
      const res = await new Promise((resolve, reject) => {
        req.on('response', resolve);
        req.on('error', reject);
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'], /^text\/event-stream/);
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      await waitFor(() => text.includes('event: overview'), 5000, 'the first overview through nginx');
      const firstMs = Date.now() - opened;
      const event = `through-nginx-${uid('e')}`;
      const triggered = Date.now();
      const sent = await signedRequest({ scheme: 'https', port: ports.site, prefix: '/ws', body: { name: event, channel: uid('dash'), data: '{}' }, ca });
      assert.equal(sent.status, 200, sent.body);
      await waitFor(() => text.includes(event), 5000, () => `the api_event entry for ${event} through nginx (stream so far: ${text.slice(-300)})`);
      const entryMs = Date.now() - triggered;
      // Held in nginx's buffers, an entry of a few hundred bytes would wait for kilobytes more (seconds of overviews).
      assert.ok(firstMs < 3000 && entryMs < 2000, `first overview after ${firstMs} ms, the entry ${entryMs} ms after its trigger`);
    } finally {
      req.destroy();
    }
  }));

  it('(c) Caddy: handle /ws* to the node, web elsewhere; pusher-js with wsPath /ws connects and receives; spoofed X-Forwarded-For is harmless', { timeout: 30000 }, withOutput(async () => {
    const web = await get({ port: ports.caddy, path: '/' });
    assert.deepEqual({ status: web.status, body: web.body }, { status: 200, body: 'web' });
    const wsUp = await get({ port: ports.caddy, path: '/ws/up', headers: { 'X-Forwarded-For': 'garbage' } });
    assert.equal(wsUp.status, 200);
    assert.deepEqual(JSON.parse(wsUp.body), { status: 'up' });

    const channel = uid('caddy');
    const client = new Pusher('app-key', { wsHost: '127.0.0.1', wsPort: ports.caddy, wsPath: '/ws', forceTLS: false, enabledTransports: ['ws'], disableStats: true, cluster: 'mt1' });
    clients.push(client);
    await waitConnected(client);
    const { channel: ch } = await subscribe(client, channel);

    // A raw WebSocket through Caddy with client-supplied X-Forwarded-For / -Proto headers.
    const raw = await connectPusher({ port: ports.caddy, prefix: '/ws', headers: { 'X-Forwarded-For': 'not-an-ip, 2001:db8::1, 198.51.100.4', 'X-Forwarded-Proto': 'gopher' } });
    raws.push(raw);
    raw.ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
    await waitFor(() => raw.events.some((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel), 5000, 'raw client subscription through Caddy');

    const got = waitForEvent(ch, 'via-caddy', 10000, 'pusher-js through Caddy');
    const res = await signedRequest({ port: ports.caddy, prefix: '/ws', body: { name: 'via-caddy', channel, data: JSON.stringify({ proxy: 'caddy' }) }, headers: { 'X-Forwarded-For': '192.0.2.1, nonsense' } });
    assert.equal(res.status, 200, res.body);
    assert.deepEqual((await got).data, { proxy: 'caddy' });
    await waitFor(() => raw.events.some((f) => f.event === 'via-caddy'), 5000, 'raw client through Caddy to receive the event');
    assert.equal(JSON.parse(raw.events.find((f) => f.event === 'via-caddy').data).proxy, 'caddy');
  }));
});
