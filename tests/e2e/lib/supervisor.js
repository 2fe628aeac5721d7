'use strict';

/**
 * Broadcaster nodes under a real supervisord (Debian package `supervisor`, installed by
 * scripts/install-test-deps.sh), as deploy/supervisord.conf runs them: one [program:x] per node with
 * autorestart=true, stopsignal=TERM. Everything supervisord owns (config, unix socket, pidfile, logs)
 * lives in a temp directory; supervisord runs in the foreground (nodaemon) as a child of the test process.
 *
 *   const sup = await Supervisor.start({ size: 3, config });   // waits until every node answers /ready
 *   sup.programs[i]  -> { name, port, clusterPort, httpBase }
 *   await sup.pids()           // { node1: 1234, ... } from `supervisorctl pid`
 *   sup.spawns()               // every "spawned: 'x' with pid N" of supervisord's log, in order
 *   await sup.stop()           // supervisorctl shutdown, then SIGKILL of whatever is left
 *
 * No skip: without supervisord the suite fails with the install hint.
 */

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');

const { dllPath, freePort, REPO_ROOT } = require('./server');
const { waitFor } = require('./wait');

const SEARCH_PATH = (process.env.PATH || '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin']);

function findBinary(name, envVar) {
  if (process.env[envVar]) return process.env[envVar];
  for (const dir of SEARCH_PATH) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch (_) {
      /* keep looking */
    }
  }
  throw new Error(
    `${name} is not installed (not on PATH). The operations end-to-end tests need it:\n` +
      `  sudo bash ${path.join(REPO_ROOT, 'scripts', 'install-test-deps.sh')}\n` +
      `or point ${envVar} at the binary.`
  );
}

function httpGetJson(url, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let body = null;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch (_) {
          /* not json */
        }
        resolve({ status: res.statusCode, body });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 0, body: null });
    });
    req.on('error', () => resolve({ status: 0, body: null }));
  });
}

function hardFileLimit() {
  try {
    const m = fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+\S+\s+(\S+)/m);
    return m[1] === 'unlimited' ? Infinity : Number(m[1]);
  } catch (_) {
    return 4096;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (_) {
    return false;
  }
}

/** True when `pid` is still one of our node processes (guards against pid reuse before a SIGKILL). */
function isOurNode(pid, dll) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dll);
  } catch (_) {
    return false;
  }
}

// Safety net: if the test process dies without its after() hooks, leave no supervisord or node behind.
const live = new Set();
process.on('exit', () => {
  for (const sup of live) sup.killEverythingSync();
});

class Supervisor {
  constructor({ dir, confFile, programs, dll }) {
    this.dir = dir;
    this.confFile = confFile;
    this.programs = programs;
    this.dll = dll;
    this.proc = null;
    this.exited = null;
    this.stdout = '';
    this.lastReady = [];
  }

  static async start({ size = 3, config, readyTimeoutMs = 60000 }) {
    const supervisord = findBinary('supervisord', 'E2E_SUPERVISORD');
    findBinary('supervisorctl', 'E2E_SUPERVISORCTL');
    const dll = dllPath();
    if (!fs.existsSync(dll)) throw new Error(`Broadcaster node dll not found at ${dll}: run dotnet build Cluster.sln first`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-supervisord-'));
    const nodeConf = path.join(dir, 'broadcaster.conf');
    fs.writeFileSync(nodeConf, config);

    const used = new Set();
    const unique = async () => {
      for (;;) {
        const p = await freePort();
        if (!used.has(p)) {
          used.add(p);
          return p;
        }
      }
    };
    const programs = [];
    for (let i = 1; i <= size; i++) {
      const port = await unique();
      const clusterPort = await unique();
      programs.push({ name: `node${i}`, port, clusterPort, httpBase: `http://127.0.0.1:${port}` });
    }
    // Every node lists every node as a seed (README): a rolling restart then never splits the cluster.
    const seeds = programs.map((p) => `--seed 127.0.0.1:${p.clusterPort}`).join(' ');
    const minfds = Math.min(4096, hardFileLimit());
    const sections = programs.map(
      (p) => `[program:${p.name}]
command = dotnet ${dll} serve --host 127.0.0.1 --port ${p.port} --cluster-port ${p.clusterPort} ${seeds} --config ${nodeConf}
environment = DOTNET_CLI_TELEMETRY_OPTOUT="1",DOTNET_NOLOGO="1"
directory = ${dir}
autostart = true
autorestart = true
startsecs = 1
stopsignal = TERM
stopwaitsecs = 15
stdout_logfile = ${dir}/${p.name}.log
stdout_logfile_maxbytes = 0
redirect_stderr = true
`
    );
    const confFile = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      confFile,
      `; generated by tests/e2e/lib/supervisor.js
[unix_http_server]
file = ${dir}/supervisor.sock
chmod = 0700

[supervisord]
nodaemon = true
logfile = ${dir}/supervisord.log
logfile_maxbytes = 0
loglevel = info
pidfile = ${dir}/supervisord.pid
childlogdir = ${dir}
minfds = ${minfds}
${typeof process.getuid === 'function' && process.getuid() === 0 ? 'user = root\n' : ''}
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl = unix://${dir}/supervisor.sock

${sections.join('\n')}`
    );

    const sup = new Supervisor({ dir, confFile, programs, dll });
    live.add(sup);
    // detached: supervisord leads its own process group, which stop() kills as a last resort.
    sup.proc = spawn(supervisord, ['-c', confFile], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    sup.exitPromise = new Promise((resolve) => {
      sup.proc.on('exit', (code, signal) => {
        sup.exited = { code, signal };
        resolve(sup.exited);
      });
    });
    sup.proc.on('error', (err) => (sup.stdout += `[e2e] spawn error: ${err.message}\n`));
    sup.proc.stdout.on('data', (c) => (sup.stdout += c.toString('utf8')));
    sup.proc.stderr.on('data', (c) => (sup.stdout += c.toString('utf8')));
    try {
      await sup.waitReady(readyTimeoutMs);
    } catch (err) {
      const out = sup.output();
      await sup.stop();
      err.message = `${err.message}\n${out}`;
      throw err;
    }
    return sup;
  }

  /** Every node answers GET /ready with 200, ready and size-1 peers. */
  async waitReady(timeoutMs = 60000) {
    await waitFor(
      async () => {
        if (this.exited) throw new Error(`supervisord exited (${JSON.stringify(this.exited)})`);
        const answers = await this.readyAnswers();
        return answers.every((a) => a.status === 200 && a.body && a.body.ready === true && a.body.peers === this.programs.length - 1);
      },
      timeoutMs,
      () => `every node under supervisord to be ready (last answers: ${this.lastReady.join(' | ')})`
    );
  }

  async readyAnswers() {
    const answers = await Promise.all(this.programs.map((p) => httpGetJson(`${p.httpBase}/ready`)));
    this.lastReady = answers.map((a, i) => `${this.programs[i].name}: ${a.status} ${JSON.stringify(a.body)}`);
    return answers;
  }

  /** Runs supervisorctl against this supervisord; resolves { code, stdout, stderr }. */
  ctl(args, timeoutMs = 15000) {
    const r = spawnSync(findBinary('supervisorctl', 'E2E_SUPERVISORCTL'), ['-c', this.confFile, ...args], { encoding: 'utf8', timeout: timeoutMs });
    return { code: r.status, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error };
  }

  /** { node1: pid, ... } as `supervisorctl pid <name>` reports it (0 while not running). */
  pids() {
    const out = {};
    for (const p of this.programs) {
      const r = this.ctl(['pid', p.name]);
      out[p.name] = Number(r.stdout.trim()) || 0;
    }
    return out;
  }

  /** supervisord's own log. */
  log() {
    try {
      return fs.readFileSync(path.join(this.dir, 'supervisord.log'), 'utf8');
    } catch (_) {
      return '';
    }
  }

  /** [{ name, pid }] of every "spawned: 'name' with pid N" line, in order. */
  spawns() {
    return [...this.log().matchAll(/spawned: '([^']+)' with pid (\d+)/g)].map((m) => ({ name: m[1], pid: Number(m[2]) }));
  }

  /** [{ name, status }] of every "exited: name (exit status N; ...)" line. */
  exits() {
    return [...this.log().matchAll(/exited: (\S+) \(exit status (\d+); ([^)]*)\)/g)].map((m) => ({ name: m[1], status: Number(m[2]), note: m[3] }));
  }

  /** Current pid per program from the log (last spawn). */
  currentPidsFromLog() {
    const out = {};
    for (const s of this.spawns()) out[s.name] = s.pid;
    return out;
  }

  nodeLog(name) {
    try {
      return fs.readFileSync(path.join(this.dir, `${name}.log`), 'utf8');
    } catch (_) {
      return '';
    }
  }

  output(linesPerNode = 25) {
    const parts = [`--- supervisord (${this.confFile}) ---\n${this.log().split('\n').slice(-30).join('\n')}${this.stdout ? '\n' + this.stdout.slice(-1500) : ''}`];
    for (const p of this.programs) {
      parts.push(`--- ${p.name} (http ${p.port}, cluster ${p.clusterPort}) last ${linesPerNode} lines ---\n${this.nodeLog(p.name).split('\n').slice(-linesPerNode).join('\n')}`);
    }
    if (this.lastReady.length) parts.push(`--- last /ready answers ---\n${this.lastReady.join('\n')}`);
    return parts.join('\n') + '\n--- end of supervisord output ---';
  }

  /** Every node pid supervisord ever spawned that is still one of our node processes. */
  livingNodePids() {
    return [...new Set(this.spawns().map((s) => s.pid))].filter((pid) => alive(pid) && isOurNode(pid, this.dll));
  }

  killEverythingSync() {
    for (const pid of this.livingNodePids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (_) {
        /* gone */
      }
    }
    if (this.proc && !this.exited) {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch (_) {
        /* gone */
      }
    }
  }

  /**
   * `supervisorctl shutdown` (supervisord stops every program with SIGTERM and exits), bounded; then SIGKILL
   * of the process group and of any node process still alive. Resolves what had to be killed.
   */
  async stop({ keepDir = false } = {}) {
    const forced = [];
    if (this.proc && !this.exited) {
      this.ctl(['shutdown'], 10000);
      const timer = setTimeout(() => {
        forced.push('supervisord');
        try {
          process.kill(-this.proc.pid, 'SIGKILL');
        } catch (_) {
          /* gone */
        }
      }, 25000);
      await this.exitPromise;
      clearTimeout(timer);
    }
    // The programs lead their own process groups; anything supervisord left behind is killed by pid.
    for (const pid of this.livingNodePids()) {
      forced.push(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch (_) {
        /* gone */
      }
    }
    if (this.proc) {
      try {
        process.kill(-this.proc.pid, 'SIGKILL');
      } catch (_) {
        /* group already empty */
      }
    }
    await waitFor(() => this.livingNodePids().length === 0, 5000, 'every node process to be gone');
    live.delete(this);
    if (!keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
    return forced;
  }
}

module.exports = { Supervisor, findBinary, httpGetJson, alive };
