'use strict';

/**
 * Client factories. Every pusher-js / Echo instance created through a
 * ClientPool is tracked and disconnected by disconnectAll() (called from the
 * afterEach/after hooks of lib/harness.js), so no test leaks connections.
 */

// The Node build of pusher-js bundles tweetnacl and sets `nacl` itself, so it
// supports private-encrypted- channels. (`pusher-js/with-encryption` points at
// the *web* bundle, which cannot be loaded in Node: "self is not defined".)
const Pusher = require('pusher-js');
// laravel-echo 2.x ships its CommonJS bundle as a .js file inside a
// "type": "module" package, so require() fails on Node 20; load the ESM build.
let echoModulePromise = null;
function loadEcho() {
  if (!echoModulePromise) echoModulePromise = import('laravel-echo').then((m) => m.default);
  return echoModulePromise;
}
const PusherServer = require('pusher');

const { waitFor, waitForEvent } = require('./wait');

const SOCKET_ID_RE = /^\d+\.\d+$/;

// Keep pusher-js quiet unless asked for.
if (process.env.E2E_PUSHER_LOG) {
  Pusher.logToConsole = true;
}

class ClientPool {
  constructor({ server, auth }) {
    this.server = server;
    this.auth = auth;
    this.clients = [];
    this.counter = 0;
  }

  /**
   * Creates (does not wait for) a pusher-js client.
   *   key        app key (default 'app-key')
   *   auth       query params for the auth endpoint ({ user, name, mode })
   *   channelAuthorization  override the whole channelAuthorization option
   *   options    extra pusher-js options
   */
  pusher({ key = 'app-key', auth = {}, channelAuthorization, options = {} } = {}) {
    const client = new Pusher(key, {
      wsHost: this.server.host,
      wsPort: this.server.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      disableStats: true,
      cluster: 'mt1',
      channelAuthorization: channelAuthorization || {
        endpoint: this.auth.endpoint(auth),
        transport: 'ajax',
      },
      ...options,
    });
    client.__e2eId = ++this.counter;
    // Each WebSocket under the client, kept so disconnectAll can clear the close timer described there.
    client.__e2eSockets = [];
    client.connection.bind('connected', () => {
      const socket = client.connection.connection && client.connection.connection.transport && client.connection.connection.transport.socket;
      if (socket) client.__e2eSockets.push(socket);
    });
    this.clients.push(client);
    return client;
  }

  /**
   * A pusher-js client that signs in (pusher.signin()) as `id`, following `watchlist` ('7,8'), through the auth
   * server's user-authentication endpoint. Not connected yet: bind pusher.user / watchlist events first.
   */
  signinClient(id, watchlist) {
    return this.pusher({ options: { userAuthentication: { endpoint: this.auth.userEndpoint({ id, watchlist }), transport: 'ajax' } } });
  }

  /** A pusher-js client connected and signed in as `id` (pusher.user.user_data.id set). */
  async signedIn(id, watchlist) {
    const client = this.signinClient(id, watchlist);
    await waitConnected(client);
    client.signin();
    await waitFor(() => client.user.user_data && client.user.user_data.id === id, 5000, `pusher.user.user_data.id = ${id}`);
    return client;
  }

  /** Creates a pusher-js client and waits until it is 'connected'. */
  async connect(opts = {}) {
    const client = this.pusher(opts);
    await waitConnected(client);
    return client;
  }

  /**
   * Creates a Laravel Echo instance (broadcaster 'pusher') on top of a tracked
   * pusher-js client. Returns { echo, pusher }.
   */
  async echo(opts = {}) {
    const Echo = await loadEcho();
    const client = this.pusher(opts);
    const echo = new Echo({
      broadcaster: 'pusher',
      key: opts.key || 'app-key',
      client,
      withoutInterceptors: true,
    });
    await waitConnected(client);
    return { echo, pusher: client };
  }

  /** Official server SDK for app-id (or another app / a wrong secret); `timeout` per request in ms. */
  sdk({ appId = 'app-id', key = 'app-key', secret = 'app-secret', timeout = 10000 } = {}) {
    return new PusherServer({
      appId,
      key,
      secret,
      host: this.server.host,
      port: String(this.server.port),
      useTLS: false,
      encryptionMasterKeyBase64: this.auth.masterKeyBase64,
      timeout,
    });
  }

  async disconnectAll() {
    const clients = this.clients.splice(0);
    for (const client of clients) {
      try {
        if (client.connection.state !== 'disconnected') client.disconnect();
      } catch (_) {
        /* ignore */
      }
    }
    await Promise.all(
      clients.map((c) =>
        waitFor(() => ['disconnected', 'failed', 'initialized'].includes(c.connection.state), 5000, `client #${c.__e2eId} to disconnect`).catch(() => {})
      )
    );
    // After a server-side close (4009 from terminate_connections) pusher-js closes the closed socket once more, and
    // its Node WebSocket library then starts a 30 s close timer that nothing clears: it would only hold the test
    // process open. Browsers have no such timer.
    for (const client of clients) {
      for (const socket of client.__e2eSockets || []) if (socket._closeTimer) clearTimeout(socket._closeTimer);
    }
  }
}

/** Waits until a pusher-js client is connected; fails fast on a terminal state. */
async function waitConnected(client, timeoutMs = 10000) {
  const errors = [];
  const onError = (err) => errors.push(err);
  client.connection.bind('error', onError);
  try {
    await waitFor(
      () => {
        const state = client.connection.state;
        if (state === 'connected') return true;
        if (state === 'failed' || (state === 'disconnected' && errors.length)) {
          throw new Error(`connection ended in state '${state}': ${JSON.stringify(errors)}`);
        }
        return false;
      },
      timeoutMs,
      () => `pusher-js client to connect (state ${client.connection.state}, errors ${JSON.stringify(errors)})`
    );
  } finally {
    client.connection.unbind('error', onError);
  }
}

/**
 * Subscribes and waits for pusher:subscription_succeeded. Rejects if a
 * pusher:subscription_error arrives instead. Resolves { channel, data }.
 */
async function subscribe(client, name, timeoutMs = 5000) {
  const channel = client.subscribe(name);
  if (channel.subscribed) return { channel, data: undefined };
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      channel.unbind('pusher:subscription_succeeded', ok);
      channel.unbind('pusher:subscription_error', ko);
    };
    const ok = (data) => {
      cleanup();
      resolve({ channel, data });
    };
    const ko = (err) => {
      cleanup();
      reject(new Error(`subscription to '${name}' failed: ${JSON.stringify(err)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for subscription_succeeded on '${name}'`));
    }, timeoutMs);
    channel.bind('pusher:subscription_succeeded', ok);
    channel.bind('pusher:subscription_error', ko);
  });
}

/** Waits until pusher-js reports the named channel as subscribed (used with Echo). */
function waitSubscribed(client, name, timeoutMs = 5000) {
  return waitFor(() => {
    const ch = client.channel(name);
    return ch && ch.subscribed;
  }, timeoutMs, `channel '${name}' to be subscribed`);
}

let uidCounter = 0;
/** Unique, valid channel-name fragment. */
function uid(prefix = 'c') {
  uidCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${uidCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Finds the first numeric `code` anywhere in a pusher-js error object (close codes, pusher:error). */
function findCode(err) {
  if (!err || typeof err !== 'object') return undefined;
  if (typeof err.code === 'number') return err.code;
  for (const k of ['data', 'error']) {
    const c = findCode(err[k]);
    if (c !== undefined) return c;
  }
  return undefined;
}

module.exports = { findCode, ClientPool, Pusher, loadEcho, PusherServer, waitConnected, subscribe, waitSubscribed, waitForEvent, uid, SOCKET_ID_RE };
