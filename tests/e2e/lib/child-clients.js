'use strict';

/**
 * The parent side of a pool of connections held by a child process (lib/many-clients.js, lib/churn-clients.js): the
 * child is started through bash with a raised `ulimit -n`, so the test process's own open-files limit does not matter
 * and its event loop stays free for its assertions, and it is driven over an IPC channel, one answer per request.
 */

const { spawn } = require('node:child_process');

const { trackExit, killNow } = require('./process');

class ChildClients {
  /** Starts `file` (which runs its child side when given the argument `child`) with `ulimit -n fdLimit` or the hard limit. */
  constructor({ file, fdLimit, label }) {
    const script = `ulimit -n ${fdLimit} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$1" child`;
    this.proc = spawn('bash', ['-c', script, process.execPath, file], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.label = label;
    this.stderr = '';
    this.pending = new Map();
    this.seq = 0;
    trackExit(this, this.proc, ({ code, signal }) => {
      for (const { reject } of this.pending.values()) reject(new Error(`${label} exited (code ${code}, signal ${signal}): ${this.stderr}`));
      this.pending.clear();
    });
    this.proc.stderr.on('data', (c) => (this.stderr += c.toString('utf8')));
    this.proc.on('message', (msg) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
  }

  /** Sends `message` to the child; resolves with its answer, rejects after `timeoutMs` or when the child is gone. */
  call(message, timeoutMs) {
    if (this.exited) return Promise.reject(new Error(`${this.label} already exited: ${this.stderr}`));
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label} did not answer ${JSON.stringify(message)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.send({ id, ...message });
    });
  }

  closeAll({ timeoutMs = 20000 } = {}) {
    return this.call({ cmd: 'close', timeoutMs }, timeoutMs + 5000);
  }

  async stop() {
    await killNow(this);
  }
}

module.exports = { ChildClients };
