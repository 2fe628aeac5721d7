'use strict';

/**
 * Bursts of Pusher connections for the churn suite, held by a child process (its own raised open-files limit, and
 * the test process's event loop stays free for its assertions). Each connection subscribes to a public, a private and
 * a presence channel (signed here with the app's secret, as an auth endpoint would), and every burst is closed again,
 * half with a proper WebSocket close and half by dropping the TCP connection, as browsers that vanish do.
 *
 *   const churn = await ChurnClients.start();
 *   await churn.open({ port, n: 600, burst: 1 });   // { established, subscribed, refused, errors }
 *   await churn.closeAll();                         // { closed, dropped }
 *   await churn.stop();
 *
 * Connections keep no frames (presence channels send every member event to every member): only counts.
 */

const { ChildClients } = require('./child-clients');

const FD_LIMIT = 8192;

class ChurnClients extends ChildClients {
  static async start() {
    return new ChurnClients({ file: __filename, fdLimit: FD_LIMIT, label: 'churn child' });
  }

  /** `n` connections to 127.0.0.1:port, each on three channels; users and channels are shared across calls (and nodes). */
  open({ port, n, burst, key = 'app-key', secret = 'app-secret', concurrency = 50, timeoutMs = 45000 }) {
    return this.call({ cmd: 'open', port, n, burst, key, secret, concurrency, timeoutMs }, timeoutMs + 5000);
  }
}

// ---------------------------------------------------------------- child side
function childMain() {
  const crypto = require('node:crypto');
  const { RawWebSocket } = require('./ws-raw');
  let conns = [];
  const sign = (secret, text) => crypto.createHmac('sha256', secret).update(text).digest('hex');
  const until = (pred, deadline) =>
    new Promise((resolve) => {
      const tick = () => (pred() || Date.now() >= deadline ? resolve() : setTimeout(tick, 20));
      tick();
    });

  /** One connection: established, then subscribed to its three channels; resolves with its state. */
  async function one({ port, key, secret, i, burst }) {
    const ws = await RawWebSocket.connect({ port, path: `/app/${key}?protocol=7&client=e2e-churn&version=1.0`, timeoutMs: 15000 });
    const c = { ws, socketId: null, subscribed: 0, refused: 0 };
    ws.on('error', () => {});
    ws.on('message', (text) => {
      const frame = JSON.parse(text);
      if (frame.event === 'pusher:connection_established') {
        c.socketId = JSON.parse(frame.data).socket_id;
        // Channels and users repeat across bursts and nodes, so some members have sockets on several nodes at once.
        const user = `churn-user-${i % 400}`;
        const channelData = JSON.stringify({ user_id: user, user_info: { burst } });
        const pub = `churn-public-${i % 40}`;
        const priv = `private-churn-${i % 20}`;
        const presence = `presence-churn-${i % 30}`;
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: pub } }));
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: priv, auth: `${key}:${sign(secret, `${c.socketId}:${priv}`)}` } }));
        ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel: presence, auth: `${key}:${sign(secret, `${c.socketId}:${presence}:${channelData}`)}`, channel_data: channelData } }));
      } else if (frame.event === 'pusher_internal:subscription_succeeded') c.subscribed += 1;
      else if (frame.event === 'pusher:subscription_error' || frame.event === 'pusher:error') c.refused += 1;
      else if (frame.event === 'pusher:ping') ws.send(JSON.stringify({ event: 'pusher:pong', data: {} }));
    });
    return c;
  }

  const handlers = {
    open: async ({ port, n, burst, key, secret, concurrency, timeoutMs }) => {
      const deadline = Date.now() + timeoutMs;
      const mine = [];
      const errors = [];
      let next = 0;
      const worker = async () => {
        while (next < n && Date.now() < deadline) {
          const i = next++;
          try {
            mine.push(await one({ port, key, secret, i, burst }));
          } catch (err) {
            errors.push(err.message);
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      conns = conns.concat(mine);
      await until(() => mine.every((c) => c.subscribed + c.refused >= 3), deadline);
      return {
        established: mine.filter((c) => c.socketId).length,
        subscribed: mine.filter((c) => c.subscribed === 3).length,
        refused: mine.reduce((a, c) => a + c.refused, 0),
        errors: errors.length,
        firstErrors: errors.slice(0, 3),
      };
    },

    close: async ({ timeoutMs }) => {
      const all = conns;
      conns = [];
      let dropped = 0;
      all.forEach((c, k) => {
        if (k % 2 === 0) c.ws.close(1000, 'bye');
        else {
          c.ws.destroy();
          dropped += 1;
        }
      });
      await until(() => all.every((c) => c.ws.closed), Date.now() + timeoutMs);
      for (const c of all) c.ws.destroy();
      return { closed: all.length - dropped, dropped, total: all.length };
    },
  };

  process.on('message', async (msg) => {
    try {
      process.send({ id: msg.id, result: await handlers[msg.cmd](msg) });
    } catch (err) {
      process.send({ id: msg.id, error: err && err.stack ? err.stack : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module && process.argv[2] === 'child') childMain();

module.exports = { ChurnClients };
