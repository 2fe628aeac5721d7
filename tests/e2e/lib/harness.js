'use strict';

/**
 * Per-file harness: one Broadcaster node + one auth endpoint per test file.
 *
 *   const h = useBroadcaster();
 *   h.test('does something', async () => { const c = await h.clients.connect(); ... });
 *
 * - before: start the node (bounded wait on GET /up) and the auth server
 * - afterEach: disconnect every client created through h.clients
 * - after: disconnect, stop the auth server, stop the node (SIGTERM, SIGKILL after 5 s)
 * - h.test(): like it(), but a failure gets the tail of the node's stdout/stderr
 *   appended to the error message.
 */

const { before, after, afterEach, it } = require('node:test');
const { startServer } = require('./server');
const { startAuthServer } = require('./auth-server');
const { ClientPool } = require('./clients');

const TEST_TIMEOUT_MS = 20000;

/**
 * it(name, options, fn), except that when fn fails the text `tail()` returns (null: nothing) is appended
 * to the error's stack (or message), so the report shows the servers' output next to the failure.
 */
function testWithOutput(name, fn, options, tail) {
  return it(name, options, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const text = tail();
      if (text) {
        try {
          if (err && typeof err.stack === 'string') err.stack = `${err.stack}${text}`;
          else if (err && typeof err.message === 'string') err.message = `${err.message}${text}`;
        } catch (_) {
          /* frozen error object */
        }
      }
      throw err;
    }
  });
}

function useBroadcaster(options = {}) {
  const h = {
    server: null,
    auth: null,
    clients: null,
    sdk: (opts) => h.clients.sdk(opts),
    test: null,
  };

  before(
    async () => {
      h.auth = await startAuthServer();
      try {
        // config may be a function: a test whose config names something started in an earlier before() (a webhook receiver).
        h.server = await startServer(typeof options.config === 'function' ? { ...options, config: options.config() } : options);
      } catch (err) {
        await h.auth.close();
        h.auth = null;
        throw err;
      }
      h.clients = new ClientPool({ server: h.server, auth: h.auth });
    },
    { timeout: 60000 }
  );

  afterEach(async () => {
    if (h.clients) await h.clients.disconnectAll();
  });

  after(
    async () => {
      if (h.clients) await h.clients.disconnectAll();
      if (h.auth) await h.auth.close();
      if (h.server) {
        await h.server.stop();
        if (process.env.E2E_SERVER_OUTPUT) {
          process.stderr.write(`--- server output (${h.server.dll}) ---\n${h.server.output(400)}\n`);
        }
      }
    },
    { timeout: 30000 }
  );

  h.test = (name, fn, opts = {}) =>
    testWithOutput(name, fn, { timeout: TEST_TIMEOUT_MS, ...opts }, () =>
      h.server ? `\n--- broadcaster node output (last 60 lines) ---\n${h.server.output(60)}\n--- end of node output ---` : null
    );

  return h;
}

module.exports = { useBroadcaster, testWithOutput };
