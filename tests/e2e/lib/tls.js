'use strict';

/**
 * TLS helpers for test/tls.test.js.
 *
 * - makeCa / issueServerCert: a root CA, an intermediate CA and server certificates for
 *   127.0.0.1/localhost, made with the `openssl` CLI (Node cannot create X.509 certificates).
 * - startTlsServer: starts a node like lib/server.js does, with extra env vars, and waits for
 *   GET https://127.0.0.1:<port>/up trusting only the test root (no verification is turned off).
 * - runTlsClient: runs pusher-js + the pusher SDK in a child `node` process started with
 *   NODE_EXTRA_CA_CERTS=<root CA>, because the WebSocket stack under pusher-js reads the
 *   extra CAs only at process start (lib/child-client.js). The child is this file
 *   (`node lib/tls.js client <json>`).
 * - runProcess: re-exported from lib/process.js.
 */

const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { requestText } = require('./http');
const { runProcess } = require('./process');
const { runChildClient, runAsChild, startChild, connectPusher, subscribeChannel, finishChild } = require('./child-client');

function hasOpenssl() {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch (_) {
    return false;
  }
}

function openssl(args, cwd) {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = err.stderr ? err.stderr.toString() : '';
    throw new Error(`openssl ${args.join(' ')} failed: ${stderr || err.message}`);
  }
}

function serial() {
  return '0x' + crypto.randomBytes(12).toString('hex').replace(/^./, '1');
}

/** Root CA and intermediate CA in `dir`; returns their paths and the CA bundle (intermediate + root). */
function makeCa(dir) {
  const p = (name) => path.join(dir, name);
  fs.writeFileSync(p('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('root.key'), '-out', p('root.crt'),
    '-days', '30', '-subj', '/O=Broadcaster e2e/CN=Broadcaster e2e Root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('intermediate.key'), '-out', p('intermediate.csr'),
    '-subj', '/O=Broadcaster e2e/CN=Broadcaster e2e Intermediate CA'], dir);
  openssl(['x509', '-req', '-in', p('intermediate.csr'), '-CA', p('root.crt'), '-CAkey', p('root.key'), '-set_serial', serial(),
    '-days', '29', '-extfile', p('ca.ext'), '-out', p('intermediate.crt')], dir);
  fs.writeFileSync(p('ca-bundle.pem'), fs.readFileSync(p('intermediate.crt'), 'utf8') + fs.readFileSync(p('root.crt'), 'utf8'));
  return { dir, root: p('root.crt'), intermediate: p('intermediate.crt'), intermediateKey: p('intermediate.key'), bundle: p('ca-bundle.pem') };
}

/**
 * A server certificate for localhost/127.0.0.1 signed by the intermediate, its key encrypted as PKCS#8 with
 * `passphrase`. Written to `<name>.new.crt/.key` first, then renamed over `<name>.crt/.key` (as a renewal does).
 * Returns { cert, key, fingerprint256 }.
 */
function issueServerCert(ca, name, passphrase) {
  const p = (f) => path.join(ca.dir, f);
  const tag = crypto.randomBytes(4).toString('hex');
  fs.writeFileSync(p('server.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', p(`${tag}.plain.key`), '-out', p(`${tag}.csr`), '-subj', `/CN=localhost/OU=${name}-${tag}`], ca.dir);
  openssl(['x509', '-req', '-in', p(`${tag}.csr`), '-CA', ca.intermediate, '-CAkey', ca.intermediateKey, '-set_serial', serial(),
    '-days', '10', '-extfile', p('server.ext'), '-out', p(`${tag}.crt`)], ca.dir);
  openssl(['pkcs8', '-topk8', '-in', p(`${tag}.plain.key`), '-out', p(`${tag}.key`), '-v2', 'aes-256-cbc', '-passout', `pass:${passphrase}`], ca.dir);
  const cert = p(`${name}.crt`);
  const key = p(`${name}.key`);
  fs.renameSync(p(`${tag}.key`), key);
  fs.renameSync(p(`${tag}.crt`), cert);
  for (const f of [`${tag}.plain.key`, `${tag}.csr`]) fs.rmSync(p(f), { force: true });
  const fingerprint256 = new crypto.X509Certificate(fs.readFileSync(cert)).fingerprint256;
  return { cert, key, fingerprint256 };
}

/** GET https://127.0.0.1:port<path> trusting only `ca`; resolves { status, body, peer } or rejects. */
function httpsGet(port, urlPath, ca, timeoutMs = 2000) {
  return requestText({
    scheme: 'https',
    options: { host: '127.0.0.1', port, path: urlPath, ca, timeout: timeoutMs, agent: false },
    timeoutMessage: 'timeout',
    onResponse: (res) => ({ peer: res.socket.getPeerCertificate(true) }),
  }).then(({ status, body, peer }) => ({ status, body, peer }));
}

/**
 * Starts `dotnet Broadcaster.Node.dll serve` on a free port with `config` and extra `env`, waits for
 * https /up (trusting `caPem`), returns a lib/server.js BroadcasterServer (stop(), output(), exited ...).
 */
async function startTlsServer({ config, env = {}, caPem, name = 'tls-node', tmpDir }) {
  const { BroadcasterServer, requireDll, spawnNode, freePort } = require('./server');
  const os = require('node:os');
  const dll = requireDll();
  const dir = tmpDir || fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-tls-'));
  const configFile = path.join(dir, 'broadcaster.conf');
  fs.writeFileSync(configFile, config);
  const port = await freePort();
  const { proc, args } = spawnNode({ dll, port, configFile, cwd: dir, env });
  const server = new BroadcasterServer({ port, proc, configFile, tmpDir: dir, dll, name, keepTmpDir: Boolean(tmpDir) });
  server.push(`[e2e] started: dotnet ${args.join(' ')}`);
  const deadline = Date.now() + Number(process.env.BROADCASTER_STARTUP_TIMEOUT_MS || 30000);
  let last = '';
  for (;;) {
    if (server.exited) {
      const out = server.output(200);
      await server.stop();
      const err = new Error(`Broadcaster node ${name} exited with code ${server.exited.code} during start-up.\n--- server output ---\n${out}`);
      err.exitCode = server.exited.code;
      err.output = out;
      throw err;
    }
    try {
      const res = await httpsGet(port, '/up', caPem, 1000);
      if (res.status === 200) return server;
      last = `status ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline) {
      const out = server.output(200);
      await server.stop();
      throw new Error(`Broadcaster node ${name} did not answer https /up within the start-up bound (last: ${last}).\n--- server output ---\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs the pusher-js / pusher SDK scenario in a child process that trusts `caFile` through NODE_EXTRA_CA_CERTS.
 * Resolves the child's JSON result; rejects with its output if it fails.
 */
function runTlsClient({ caFile, port, channel, event, payload }) {
  return runChildClient(__filename, caFile, { port, channel, event, payload }, 'TLS client');
}

/** The child: pusher-js over wss:// subscribes, the pusher SDK triggers over https://, the event must arrive. */
async function childMain(input) {
  const { port, channel, event, payload } = JSON.parse(input);
  const tls = require('node:tls');
  const PusherServer = require('pusher');
  const result = { ok: false };
  const timer = startChild(result);

  // The node's certificate as a default-verifying TLS client sees it (trust comes from NODE_EXTRA_CA_CERTS only).
  result.peer = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => {
      const cert = socket.getPeerCertificate(true);
      resolve({ authorized: socket.authorized, fingerprint256: cert.fingerprint256, issuer: cert.issuer && cert.issuer.CN });
      socket.end();
    });
    socket.on('error', reject);
  });

  const client = await connectPusher({ port, forceTLS: true });
  result.socketId = client.connection.socket_id;
  result.transport = client.connection.connection && client.connection.connection.transport && client.connection.connection.transport.name;

  const ch = await subscribeChannel(client, channel);
  const received = new Promise((resolve) => ch.bind(event, resolve));

  const sdk = new PusherServer({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: '127.0.0.1', port: String(port), useTLS: true, timeout: 10000 });
  const res = await sdk.trigger(channel, event, payload);
  result.triggerStatus = res.status;
  result.received = await received;
  finishChild(result, timer, client);
}

runAsChild(module, childMain);

module.exports = { hasOpenssl, makeCa, issueServerCert, httpsGet, startTlsServer, runTlsClient, runProcess };
