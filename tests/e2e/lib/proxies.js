'use strict';

/**
 * Reverse proxies in front of a node, as Pixelfed documents them: nginx terminating TLS (a dedicated port,
 * and the site's own server block with a web location and a `/ws` location), and Caddy with a `/ws*`
 * handle. Everything each proxy writes lives in a temp directory; both run in the foreground as children.
 *
 * Also: a self-signed certificate from the openssl CLI, a Pusher-signed HTTP API request that can be sent
 * under a path prefix (what the PHP SDK does with its `path` option), and a child-process pusher-js / SDK
 * client that trusts the proxy's certificate through NODE_EXTRA_CA_CERTS (`node lib/proxies.js client <json>`).
 */

const { spawn, spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { canConnect, requestText } = require('./http');
const { findExecutable, ForegroundProcess } = require('./process');
const { runChildClient, runAsChild, startChild, connectPusher, subscribeChannel, finishChild } = require('./child-client');

// ------------------------------------------------------------------ certificates

/** Self-signed certificate for localhost / 127.0.0.1 in `dir`; returns { cert, key }. */
function selfSignedCert(dir) {
  const cert = path.join(dir, 'proxy.crt');
  const key = path.join(dir, 'proxy.key');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(`openssl could not make a self-signed certificate: ${err.stderr ? err.stderr.toString() : err.message}`);
  }
  return { cert, key };
}

// ------------------------------------------------------------------ signed HTTP API requests

/**
 * Sends a Pusher-signed HTTP API request. `prefix` goes into the URL only, the signature covers
 * `/apps/<id><subPath>` (as the PHP SDK's `path` option and laravel-websockets behind a /ws location do);
 * `signPrefix: true` signs the prefixed path instead (what a client unaware of the prefix would do).
 * Resolves { status, body }.
 */
function signedRequest({ scheme = 'http', host = '127.0.0.1', port, prefix = '', method = 'POST', subPath = '/events', body, appId = 'app-id', key = 'app-key', secret = 'app-secret', headers = {}, ca, signPrefix = false, timeoutMs = 10000 }) {
  const bodyText = body === undefined ? '' : JSON.stringify(body);
  const apiPath = `/apps/${appId}${subPath}`;
  const params = { auth_key: key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0' };
  if (bodyText) params.body_md5 = crypto.createHash('md5').update(bodyText).digest('hex');
  const query = Object.keys(params).sort().map((k) => `${k}=${params[k]}`).join('&');
  const signedPath = signPrefix ? prefix + apiPath : apiPath;
  const signature = crypto.createHmac('sha256', secret).update([method, signedPath, query].join('\n')).digest('hex');
  return requestText({
    scheme,
    options: {
      host,
      port,
      method,
      path: `${prefix}${apiPath}?${query}&auth_signature=${signature}`,
      headers: { ...(bodyText ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(bodyText) } : {}), ...headers },
      ca,
      agent: false,
      timeout: timeoutMs,
    },
    body: bodyText,
    timeoutMessage: `${method} ${prefix}${apiPath} timed out`,
  }).then(({ status, body: text }) => ({ status, body: text }));
}

/** GET over http(s) trusting `ca`; resolves { status, body, headers }. */
function get({ scheme = 'http', host = '127.0.0.1', port, path: urlPath, ca, headers = {}, timeoutMs = 3000 }) {
  return requestText({
    scheme,
    options: { host, port, path: urlPath, ca, headers, agent: false, timeout: timeoutMs },
    timeoutMessage: `GET ${urlPath} timed out`,
  });
}

// ------------------------------------------------------------------ proxy processes

/** A proxy running in the foreground as a child (lib/process.js ForegroundProcess). */
const ProxyProcess = ForegroundProcess;

async function waitListening(proxy, ports, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proxy.exited) throw new Error(`${proxy.name} exited with code ${proxy.exited.code}:\n${proxy.output(40)}`);
    const ok = await Promise.all(ports.map(canConnect));
    if (ok.every(Boolean)) return;
    if (Date.now() > deadline) {
      await proxy.stop();
      throw new Error(`${proxy.name} did not listen on ${ports.join(', ')} within ${timeoutMs} ms:\n${proxy.output(40)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const PROXY_HEADERS = `      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 180s;`;

/**
 * nginx with two TLS server blocks:
 *   dedicatedPort  `location /` -> the plain node (Pixelfed's PUSHER_APP_PORT variant)
 *   sitePort       the site's block: `location /ws` -> the node started with path-prefix "/ws",
 *                  `location /` -> `return 200 'web'`
 */
async function startNginxTls({ dir, cert, key, dedicatedPort, sitePort, plainNodePort, prefixNodePort }) {
  const { nginxBinary } = require('./nginx');
  const bin = nginxBinary();
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root root;\n' : '';
  const conf = `# generated by tests/e2e/lib/proxies.js
${user}daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log info;

events {
  worker_connections 1024;
}

http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
  }

  server {
    listen 127.0.0.1:${dedicatedPort} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};

    location / {
      proxy_pass http://127.0.0.1:${plainNodePort};
${PROXY_HEADERS}
    }
  }

  server {
    listen 127.0.0.1:${sitePort} ssl;
    server_name localhost;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};

    location /ws {
      proxy_pass http://127.0.0.1:${prefixNodePort};
${PROXY_HEADERS}
    }

    location / {
      default_type text/plain;
      return 200 'web';
    }
  }
}
`;
  const confFile = path.join(dir, 'nginx.conf');
  fs.writeFileSync(confFile, conf);
  const check = spawnSync(bin, ['-t', '-c', confFile, '-p', dir + '/', '-e', path.join(dir, 'nginx-error.log')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected ${confFile}:\n${check.stdout}${check.stderr}`);
  const proc = spawn(bin, ['-c', confFile, '-p', dir + '/', '-e', path.join(dir, 'nginx-error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const proxy = new ProxyProcess({ name: 'nginx', dir, proc, logFile: path.join(dir, 'nginx-error.log') });
  await waitListening(proxy, [dedicatedPort, sitePort]);
  return proxy;
}

function caddyBinary() {
  if (process.env.E2E_CADDY) return process.env.E2E_CADDY;
  const found = findExecutable('caddy', ['/usr/bin', '/usr/local/bin']);
  if (found) return found;
  const { REPO_ROOT } = require('./server');
  throw new Error(`caddy is not installed (not on PATH). Install it with:\n  sudo bash ${path.join(REPO_ROOT, 'scripts', 'install-test-deps.sh')}\nor point E2E_CADDY at a caddy binary.`);
}

/** Caddy on `port`: `/ws*` -> the prefixed node, everything else answers "web". No automatic HTTPS, no admin API. */
async function startCaddy({ dir, port, prefixNodePort }) {
  const bin = caddyBinary();
  const caddyfile = path.join(dir, 'Caddyfile');
  fs.writeFileSync(
    caddyfile,
    `# generated by tests/e2e/lib/proxies.js
{
  admin off
  auto_https off
  storage file_system {
    root ${dir}/caddy-data
  }
}

http://:${port} {
  bind 127.0.0.1
  handle /ws* {
    reverse_proxy 127.0.0.1:${prefixNodePort}
  }
  handle {
    respond "web" 200
  }
}
`
  );
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: path.join(dir, 'xdg-data'), XDG_CONFIG_HOME: path.join(dir, 'xdg-config') };
  const proc = spawn(bin, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proxy = new ProxyProcess({ name: 'caddy', dir, proc });
  await waitListening(proxy, [port]);
  return proxy;
}

// ------------------------------------------------------------------ node with extra environment

/**
 * Starts a node like lib/server.js does, with extra environment variables (e.g. BROADCASTER_PATH_PREFIX=/ws),
 * waiting (bounded) for GET <prefix>/up = 200. Returns a lib/server.js BroadcasterServer.
 */
async function startNodeWithEnv({ env = {}, prefix = '', name = 'node', config } = {}) {
  const { BroadcasterServer, requireDll, spawnNode, freePort, httpGetStatus, DEFAULT_CONFIG } = require('./server');
  const dll = requireDll();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-proxy-node-'));
  const configFile = path.join(tmpDir, 'broadcaster.conf');
  fs.writeFileSync(configFile, config || DEFAULT_CONFIG);
  const port = await freePort();
  const { proc, args } = spawnNode({ dll, port, configFile, cwd: tmpDir, env });
  const server = new BroadcasterServer({ port, proc, configFile, tmpDir, dll, name });
  server.push(`[e2e] started: ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}dotnet ${args.join(' ')}`);
  const deadline = Date.now() + Number(process.env.BROADCASTER_STARTUP_TIMEOUT_MS || 30000);
  for (;;) {
    if (server.exited) {
      const out = server.output(100);
      await server.stop();
      throw new Error(`node ${name} exited with ${server.exited.code} during start-up:\n${out}`);
    }
    if ((await httpGetStatus(`${server.httpBase}${prefix}/up`)) === 200) return server;
    if (Date.now() > deadline) {
      const out = server.output(100);
      await server.stop();
      throw new Error(`node ${name} did not answer GET ${prefix}/up with 200 in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ------------------------------------------------------------------ child client (pusher-js through a TLS proxy)

/**
 * Runs pusher-js (+ triggers) in a child that trusts `caFile` through NODE_EXTRA_CA_CERTS.
 * input: { port, wsPath, forceTLS, channel, triggers: [{ mode: 'sdk'|'sdk-base-path'|'signed', prefix, event, payload, headers }] }
 * Resolves { socketId, statuses: [...], received: { event: data } }.
 */
function runProxyClient(caFile, input) {
  return runChildClient(__filename, caFile, input, 'proxy client');
}

async function childMain(inputText) {
  const input = JSON.parse(inputText);
  const PusherServer = require('pusher');
  const result = { ok: false, statuses: [], received: {} };
  const timer = startChild(result);

  const client = await connectPusher({ port: input.port, wsPath: input.wsPath || '', forceTLS: input.forceTLS !== false });
  result.socketId = client.connection.socket_id;
  const ch = await subscribeChannel(client, input.channel);
  const scheme = input.forceTLS === false ? 'http' : 'https';
  for (const trig of input.triggers) {
    const received = new Promise((resolve) => ch.bind(trig.event, resolve));
    let status;
    if (trig.mode === 'signed') {
      const res = await signedRequest({ scheme, port: input.port, prefix: trig.prefix || '', body: { name: trig.event, channels: [input.channel], data: JSON.stringify(trig.payload) }, headers: trig.headers || {} });
      status = res.status;
      if (status !== 200) throw new Error(`signed trigger ${trig.event}: ${res.status} ${res.body}`);
    } else {
      const sdk = new PusherServer({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: '127.0.0.1', port: String(input.port), useTLS: scheme === 'https', timeout: 10000 });
      if (trig.mode === 'sdk-base-path') {
        // What the PHP SDK's `path` option does: the prefix goes into the URL, the signature covers /apps/...
        const base = sdk.config.getBaseURL.bind(sdk.config);
        sdk.config.getBaseURL = () => base() + trig.prefix;
      }
      status = (await sdk.trigger(input.channel, trig.event, trig.payload)).status;
    }
    result.statuses.push(status);
    result.received[trig.event] = await received;
  }
  finishChild(result, timer, client);
}

runAsChild(module, childMain);

module.exports = { startNodeWithEnv, selfSignedCert, signedRequest, get, startNginxTls, startCaddy, caddyBinary, runProxyClient, ProxyProcess };
