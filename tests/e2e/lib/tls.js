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
 *   extra CAs only at process start. The child is this file (`node lib/tls.js client <json>`).
 */

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');

const CHILD_TIMEOUT_MS = 20000;

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
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: urlPath, ca, timeout: timeoutMs, agent: false }, (res) => {
      const peer = res.socket.getPeerCertificate(true);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body, peer }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Starts `dotnet Broadcaster.Node.dll serve` on a free port with `config` and extra `env`, waits for
 * https /up (trusting `caPem`), returns a lib/server.js BroadcasterServer (stop(), output(), exited ...).
 */
async function startTlsServer({ config, env = {}, caPem, name = 'tls-node', tmpDir }) {
  const { BroadcasterServer, dllPath, freePort } = require('./server');
  const os = require('node:os');
  const dll = dllPath();
  if (!fs.existsSync(dll)) throw new Error(`Broadcaster node dll not found at ${dll}: run dotnet build Cluster.sln first`);
  const dir = tmpDir || fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-tls-'));
  const configFile = path.join(dir, 'broadcaster.conf');
  fs.writeFileSync(configFile, config);
  const port = await freePort();
  const args = [dll, 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', configFile];
  const proc = spawn('dotnet', args, {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...env },
  });
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

/** Runs a node process until it exits (bounded); resolves { code, stdout, stderr }. */
function runProcess(command, args, { env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the pusher-js / pusher SDK scenario in a child process that trusts `caFile` through NODE_EXTRA_CA_CERTS.
 * Resolves the child's JSON result; rejects with its output if it fails.
 */
async function runTlsClient({ caFile, port, channel, event, payload }) {
  const input = JSON.stringify({ port, channel, event, payload });
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: caFile };
  delete env.NODE_TLS_REJECT_UNAUTHORIZED; // verification stays on
  const { code, stdout, stderr } = await runProcess(process.execPath, [__filename, 'client', input], { env, timeoutMs: CHILD_TIMEOUT_MS + 5000 });
  const line = stdout.trim().split('\n').filter(Boolean).pop() || '';
  let result;
  try {
    result = JSON.parse(line);
  } catch (_) {
    throw new Error(`TLS client child exited with ${code} without a result\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  if (code !== 0 || !result.ok) throw new Error(`TLS client child failed (exit ${code}): ${result.error || line}\nstderr: ${stderr}`);
  return result;
}

/** The child: pusher-js over wss:// subscribes, the pusher SDK triggers over https://, the event must arrive. */
async function childMain(input) {
  const { port, channel, event, payload } = JSON.parse(input);
  const tls = require('node:tls');
  const Pusher = require('pusher-js');
  const PusherServer = require('pusher');
  const result = { ok: false };
  const timer = setTimeout(() => {
    result.error = `timed out after ${CHILD_TIMEOUT_MS} ms (${JSON.stringify(result)})`;
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(3);
  }, CHILD_TIMEOUT_MS);

  // The node's certificate as a default-verifying TLS client sees it (trust comes from NODE_EXTRA_CA_CERTS only).
  result.peer = await new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => {
      const cert = socket.getPeerCertificate(true);
      resolve({ authorized: socket.authorized, fingerprint256: cert.fingerprint256, issuer: cert.issuer && cert.issuer.CN });
      socket.end();
    });
    socket.on('error', reject);
  });

  const client = new Pusher('app-key', {
    wsHost: '127.0.0.1',
    wsPort: port,
    wssPort: port,
    forceTLS: true,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    cluster: 'mt1',
  });
  const errors = [];
  client.connection.bind('error', (err) => errors.push(err));
  await new Promise((resolve, reject) => {
    client.connection.bind('connected', resolve);
    client.connection.bind('failed', () => reject(new Error('pusher-js: connection failed ' + JSON.stringify(errors))));
    client.connection.bind('unavailable', () => reject(new Error('pusher-js: connection unavailable ' + JSON.stringify(errors))));
  });
  result.socketId = client.connection.socket_id;
  result.transport = client.connection.connection && client.connection.connection.transport && client.connection.connection.transport.name;

  const ch = client.subscribe(channel);
  await new Promise((resolve, reject) => {
    ch.bind('pusher:subscription_succeeded', resolve);
    ch.bind('pusher:subscription_error', (e) => reject(new Error('subscription error ' + JSON.stringify(e))));
  });
  const received = new Promise((resolve) => ch.bind(event, resolve));

  const sdk = new PusherServer({ appId: 'app-id', key: 'app-key', secret: 'app-secret', host: '127.0.0.1', port: String(port), useTLS: true, timeout: 10000 });
  const res = await sdk.trigger(channel, event, payload);
  result.triggerStatus = res.status;
  result.received = await received;
  client.disconnect();
  clearTimeout(timer);
  result.ok = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

if (require.main === module && process.argv[2] === 'client') {
  childMain(process.argv[3]).catch((err) => {
    process.stdout.write(JSON.stringify({ ok: false, error: err && err.stack ? err.stack : String(err) }) + '\n');
    process.exit(2);
  });
}

module.exports = { hasOpenssl, makeCa, issueServerCert, httpsGet, startTlsServer, runTlsClient, runProcess };
