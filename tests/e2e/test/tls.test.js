'use strict';

// wss:// and https:// served by the node itself: real pusher-js (forceTLS) and the real `pusher` SDK (useTLS)
// against a node process configured with the laravel-websockets LARAVEL_WEBSOCKETS_SSL_* variables.
// Certificates (root CA -> intermediate CA -> server) come from the openssl CLI; nothing disables verification:
// this process passes the root CA explicitly, the pusher-js child trusts it through NODE_EXTRA_CA_CERTS.

const { describe, before, after, it } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { hasOpenssl, makeCa, issueServerCert, httpsGet, startTlsServer, runTlsClient, runProcess } = require('../lib/tls');
const { dllPath } = require('../lib/server');
const { waitFor } = require('../lib/wait');

const PASSPHRASE = 'e2e passphrase';
const CONFIG = `broadcaster {
  apps = [ { id = "app-id", key = "app-key", secret = "app-secret" } ]
  tls.reload-interval = 300ms
}
`;

function uid(prefix) {
  return `${prefix}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
}

const skip = hasOpenssl() ? false : 'the openssl CLI is not installed';

describe('TLS (wss:// and https:// from the node)', { skip }, () => {
  let dir;
  let ca;
  let rootPem;
  let serverCert;
  let server;

  const withOutput = (fn) => async () => {
    try {
      await fn();
    } catch (err) {
      if (server && err && typeof err.message === 'string') err.message += `\n--- node output ---\n${server.output(60)}`;
      throw err;
    }
  };

  before(
    async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-tls-'));
      ca = makeCa(dir);
      rootPem = fs.readFileSync(ca.root);
      serverCert = issueServerCert(ca, 'server', PASSPHRASE);
      server = await startTlsServer({
        config: CONFIG,
        caPem: rootPem,
        env: {
          LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT: serverCert.cert,
          LARAVEL_WEBSOCKETS_SSL_LOCAL_PK: serverCert.key,
          LARAVEL_WEBSOCKETS_SSL_PASSPHRASE: PASSPHRASE,
          LARAVEL_WEBSOCKETS_SSL_CA: ca.bundle,
        },
      });
    },
    { timeout: 60000 }
  );

  after(
    async () => {
      if (server) await server.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
    { timeout: 30000 }
  );

  it('pusher-js with forceTLS receives an event triggered by the pusher SDK with useTLS', { timeout: 30000 }, withOutput(async () => {
    const channel = uid('tls');
    const payload = { secure: true, text: 'über wss 🔒' };
    const result = await runTlsClient({ caFile: ca.root, port: server.port, channel, event: 'secured', payload });
    assert.equal(result.peer.authorized, true);
    assert.equal(result.peer.fingerprint256, serverCert.fingerprint256);
    assert.equal(result.peer.issuer, 'Broadcaster e2e Intermediate CA');
    assert.match(result.socketId, /^\d+\.\d+$/);
    assert.equal(result.triggerStatus, 200);
    assert.deepEqual(result.received, payload);
  }));

  it('serves https with the intermediate in the chain (only the root is trusted here)', withOutput(async () => {
    const res = await httpsGet(server.port, '/up', rootPem);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'up' });
    assert.equal(res.peer.fingerprint256, serverCert.fingerprint256);
    assert.equal(res.peer.issuerCertificate.subject.CN, 'Broadcaster e2e Intermediate CA');
    assert.equal(res.peer.issuerCertificate.issuerCertificate.subject.CN, 'Broadcaster e2e Root CA');
    // Without the test root the certificate is not trusted: verification is really on.
    await assert.rejects(httpsGet(server.port, '/up', undefined), /self[- ]signed|unable to (get|verify)/i);
  }));

  it('does not answer plain http on the TLS port', withOutput(async () => {
    const status = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/up', timeout: 3000 }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve(0));
    });
    assert.notEqual(status, 200);
  }));

  it('picks up a renewed certificate without a restart', { timeout: 45000 }, withOutput(async () => {
    const renewed = issueServerCert(ca, 'server', PASSPHRASE); // replaces server.crt / server.key in place
    assert.notEqual(renewed.fingerprint256, serverCert.fingerprint256);
    await waitFor(
      async () => (await httpsGet(server.port, '/up', rootPem)).peer.fingerprint256 === renewed.fingerprint256,
      15000,
      'the renewed certificate to be served'
    );
    assert.equal(server.exited, null, 'the node must keep running');
    serverCert = renewed;
    const channel = uid('tls-renewed');
    const result = await runTlsClient({ caFile: ca.root, port: server.port, channel, event: 'after-renewal', payload: { n: 2 } });
    assert.equal(result.peer.fingerprint256, renewed.fingerprint256);
    assert.deepEqual(result.received, { n: 2 });
  }));

  it('a wrong passphrase stops start-up with a non-zero exit naming the setting', { timeout: 40000 }, async () => {
    const env = {
      ...process.env,
      DOTNET_NOLOGO: '1',
      LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT: serverCert.cert,
      LARAVEL_WEBSOCKETS_SSL_LOCAL_PK: serverCert.key,
      LARAVEL_WEBSOCKETS_SSL_PASSPHRASE: 'not the passphrase',
    };
    const { code, stderr } = await runProcess('dotnet', [dllPath(), 'serve', '--host', '127.0.0.1', '--port', '0'], { env, timeoutMs: 30000 });
    assert.notEqual(code, 0);
    assert.match(stderr, /broadcaster\.tls\.passphrase/);
  });

  it('a missing certificate file stops start-up naming the setting', { timeout: 40000 }, async () => {
    const env = { ...process.env, DOTNET_NOLOGO: '1', LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT: path.join(dir, 'missing.crt') };
    const { code, stderr } = await runProcess('dotnet', [dllPath(), 'serve', '--host', '127.0.0.1', '--port', '0'], { env, timeoutMs: 30000 });
    assert.notEqual(code, 0);
    assert.match(stderr, /broadcaster\.tls\.certificate: file '.*missing\.crt' does not exist/);
  });
});
