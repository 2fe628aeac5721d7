'use strict';

/**
 * Many concurrent Pusher connections (raw RFC 6455 client, lib/ws-raw.js) held by a child process, so the
 * test process's own open-files limit does not matter: the child is started through bash with a raised
 * `ulimit -n` and driven over an IPC channel.
 *
 *   const pool = await ManyClients.start();
 *   const r = await pool.open({ port, n: 1100, channel });     // { established, subscribed, errors }
 *   await pool.waitEvent({ event: 'hello', timeoutMs });        // { received, data }
 *   await pool.closeAll();                                      // { closed }
 *   await pool.stop();
 */

const { ChildClients } = require('./child-clients');

const FD_LIMIT = 4096;

class ManyClients extends ChildClients {
  /** Starts the child with `ulimit -n 4096` (or the hard limit when that is lower) and returns its fd limit. */
  static async start() {
    const pool = new ManyClients({ file: __filename, fdLimit: FD_LIMIT, label: 'client child' });
    pool.fdLimit = await pool.call({ cmd: 'limit' }, 10000);
    return pool;
  }

  open({ port, n, channel, concurrency = 100, timeoutMs = 60000 }) {
    return this.call({ cmd: 'open', port, n, channel, concurrency, timeoutMs }, timeoutMs + 5000);
  }

  waitEvent({ event, timeoutMs = 15000 }) {
    return this.call({ cmd: 'waitEvent', event, timeoutMs }, timeoutMs + 5000);
  }
}

// ---------------------------------------------------------------- child side
async function childMain() {
  const { execSync } = require('node:child_process');
  const { connectPusher } = require('./ws-raw');
  const conns = [];
  const wait = (pred, timeoutMs) =>
    new Promise((resolve) => {
      const deadline = Date.now() + timeoutMs;
      const tick = () => {
        if (pred() || Date.now() >= deadline) return resolve();
        setTimeout(tick, 20);
      };
      tick();
    });

  const handlers = {
    limit: () => Number(execSync('ulimit -n', { shell: '/bin/bash', encoding: 'utf8' }).trim()),

    open: async ({ port, n, channel, concurrency, timeoutMs }) => {
      const errors = [];
      let next = 0;
      const deadline = Date.now() + timeoutMs;
      const worker = async () => {
        while (next < n && Date.now() < deadline) {
          next += 1;
          try {
            const c = await connectPusher({ port, timeoutMs: 15000 });
            c.subscribed = false;
            c.ws.on('message', (text) => {
              if (text.includes('pusher_internal:subscription_succeeded')) c.subscribed = true;
            });
            c.ws.on('close', (code) => (c.closedWith = code));
            c.ws.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
            conns.push(c);
          } catch (err) {
            if (errors.length < 5) errors.push(err.message);
            else errors.push('…');
          }
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      await wait(() => conns.every((c) => c.subscribed), Math.max(1000, deadline - Date.now()));
      return {
        established: conns.filter((c) => /^\d+\.\d+$/.test(c.socketId)).length,
        uniqueSocketIds: new Set(conns.map((c) => c.socketId)).size,
        subscribed: conns.filter((c) => c.subscribed).length,
        open: conns.filter((c) => !c.ws.closed).length,
        errors: errors.slice(0, 6),
        errorCount: errors.filter((e) => e !== '…').length,
      };
    },

    waitEvent: async ({ event, timeoutMs }) => {
      const got = (c) => c.events.find((f) => f.event === event);
      await wait(() => conns.every(got), timeoutMs);
      const first = conns.map(got).find(Boolean);
      return {
        received: conns.filter(got).length,
        total: conns.length,
        data: first ? first.data : null,
        channels: [...new Set(conns.map(got).filter(Boolean).map((f) => f.channel))],
      };
    },

    close: async ({ timeoutMs }) => {
      for (const c of conns) c.ws.close(1000, 'bye');
      await wait(() => conns.every((c) => c.ws.closed), timeoutMs);
      const closed = conns.filter((c) => c.ws.closed).length;
      for (const c of conns) c.ws.destroy();
      return { closed, total: conns.length };
    },
  };

  process.on('message', async (msg) => {
    try {
      const result = await handlers[msg.cmd](msg);
      process.send({ id: msg.id, result });
    } catch (err) {
      process.send({ id: msg.id, error: err && err.stack ? err.stack : String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module && process.argv[2] === 'child') childMain();

module.exports = { ManyClients, FD_LIMIT };
