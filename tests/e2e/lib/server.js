'use strict';

/**
 * Starts and stops one Broadcaster node (`dotnet Broadcaster.Node.dll serve`).
 * The dll is NOT built here: the caller runs `dotnet build Cluster.sln` first.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');

const { httpGetStatus } = require('./http');
const { trackExit, terminate, killNow } = require('./process');
const runLog = require('./run-log');

const REPO_ROOT = path.resolve(__dirname, '../../..');
const DEFAULT_DLL = path.join(REPO_ROOT, 'src', 'Node', 'bin', 'Debug', 'net10.0', 'Broadcaster.Node.dll');

const STARTUP_TIMEOUT_MS = Number(process.env.BROADCASTER_STARTUP_TIMEOUT_MS || 30000);
const MAX_LOG_LINES = 4000;

const APPS = {
  main: { id: 'app-id', key: 'app-key', secret: 'app-secret' },
  second: { id: 'app-2', key: 'key-2', secret: 'secret-2' },
};

const DEFAULT_CONFIG = `broadcaster {
  apps = [
    { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true }
    { id = "app-2", key = "key-2", secret = "secret-2" }
  ]
}
`;

function dllPath() {
  return process.env.BROADCASTER_NODE_DLL ? path.resolve(process.env.BROADCASTER_NODE_DLL) : DEFAULT_DLL;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Hands out free ports, never the same one twice (freePort() alone may return a port again once it
 * was closed, before the caller's process binds it).
 */
function portAllocator() {
  const used = new Set();
  return async () => {
    for (;;) {
      const p = await freePort();
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
}

/** dllPath(), or an error naming it when it has not been built. */
function requireDll() {
  const dll = dllPath();
  if (!fs.existsSync(dll)) throw new Error(`Broadcaster node dll not found at ${dll}: run dotnet build Cluster.sln first`);
  return dll;
}

/**
 * Spawns `dotnet <dll> serve --host <host> --port <port> --config <configFile> <extraArgs...>` in `cwd`
 * with output piped and `env` added to the environment. `wrap` is a command prefix that execs dotnet (for
 * `ip netns exec <ns>`: the child's pid is still the node's). Returns { proc, args }.
 */
function spawnNode({ dll, port, configFile, cwd, extraArgs = [], env = {}, host = '127.0.0.1', wrap = [] }) {
  const args = [dll, 'serve', '--host', host, '--port', String(port), '--config', configFile, ...extraArgs];
  runLog.rememberSecretsOfFile(configFile, env);
  const [command, ...prefix] = [...wrap, 'dotnet'];
  const proc = spawn(command, [...prefix, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...env },
  });
  return { proc, args };
}

class BroadcasterServer {
  constructor({ port, proc, configFile, tmpDir, dll, name = 'node', clusterPort = null, keepTmpDir = false, host = '127.0.0.1' }) {
    this.name = name;
    this.port = port;
    this.clusterPort = clusterPort;
    this.keepTmpDir = keepTmpDir;
    this.host = host;
    this.proc = proc;
    this.configFile = configFile;
    this.tmpDir = tmpDir;
    this.dll = dll;
    this.lines = [];
    this.runLog = runLog.open(name);
    trackExit(this, proc, ({ code, signal }) => this.push('[e2e] server process exited code=' + code + ' signal=' + signal));
    // After the last output: 'close' comes once the pipes are drained.
    proc.on('close', () => this.runLog.end());
    const capture = (streamName) => {
      let partial = '';
      return (chunk) => {
        partial += chunk.toString('utf8');
        const parts = partial.split(/\r?\n/);
        partial = parts.pop();
        for (const line of parts) this.push(`[${streamName}] ${line}`);
      };
    };
    proc.stdout.on('data', capture('stdout'));
    proc.stderr.on('data', capture('stderr'));
  }

  push(line) {
    this.runLog.write(line);
    this.lines.push(line);
    if (this.lines.length > MAX_LOG_LINES) this.lines.splice(0, this.lines.length - MAX_LOG_LINES);
  }

  get pid() {
    return this.proc.pid;
  }

  /** True once a captured output line contains `text` (used to map a socket id to its node with --debug). */
  hasOutput(text) {
    return this.lines.some((line) => line.includes(text));
  }

  /** Crash: SIGKILL the dotnet process itself and wait for it to be gone. */
  async kill() {
    await killNow(this);
  }

  get httpBase() {
    return `http://${this.host}:${this.port}`;
  }

  /** Last `n` lines of captured stdout/stderr, for failure reports. */
  output(n = 80) {
    const slice = this.lines.slice(-n);
    return slice.length ? slice.join('\n') : '(no output captured)';
  }

  async stop() {
    await terminate(this, { onForce: () => this.push('[e2e] server did not exit within 5 s of SIGTERM, sending SIGKILL') });
    if (this.keepTmpDir) return;
    try {
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
    } catch (_) {
      /* best effort */
    }
  }
}

/**
 * Starts a node on a free port with the standard test config (or `config`),
 * waits (bounded) until GET /up answers 200, and returns a BroadcasterServer.
 *
 * Cluster options (all optional, used by lib/cluster.js):
 *   port         HTTP port (default: a free one)
 *   clusterPort  --cluster-port
 *   seeds        ['127.0.0.1:<clusterPort>', ...] -> one --seed each
 *   debug        --debug (logs every connection with its socket id)
 *   name         label used in logs and error messages
 *   tmpDir       existing directory for the config file (kept on stop; the caller owns it)
 *   host, wrap   address to serve on and a command prefix (lib/netns.js: the node's own namespace and address)
 *   env          added to the node's environment
 *   waitUp       false: return once spawned (a node started cut off cannot be reached to ask /up)
 */
async function startServer({ config = DEFAULT_CONFIG, port: fixedPort, clusterPort, seeds = [], debug = false, name = 'node', tmpDir: givenTmpDir, host = '127.0.0.1', wrap = [], env = {}, waitUp = true } = {}) {
  const dll = dllPath();
  if (!fs.existsSync(dll)) {
    throw new Error(
      `Broadcaster node dll not found at ${dll}.\n` +
        `Build it first:  cd ${REPO_ROOT} && dotnet build Cluster.sln\n` +
        `or point BROADCASTER_NODE_DLL at an existing Broadcaster.Node.dll.`
    );
  }
  const tmpDir = givenTmpDir || fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-'));
  const configFile = path.join(tmpDir, 'broadcaster.conf');
  fs.writeFileSync(configFile, config);

  const port = fixedPort || (await freePort());
  const extraArgs = [];
  if (clusterPort) extraArgs.push('--cluster-port', String(clusterPort));
  for (const seed of seeds) extraArgs.push('--seed', seed);
  if (debug) extraArgs.push('--debug');
  const { proc, args } = spawnNode({ dll, port, configFile, cwd: tmpDir, extraArgs, env, host, wrap });
  const server = new BroadcasterServer({ port, proc, configFile, tmpDir, dll, name, clusterPort, keepTmpDir: Boolean(givenTmpDir), host });
  server.push(`[e2e] started: ${[...wrap, 'dotnet'].join(' ')} ${args.join(' ')}`);
  let spawnError = null;
  proc.on('error', (err) => {
    spawnError = err;
    server.push('[e2e] spawn error: ' + err.message);
  });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (!waitUp) break;
    if (spawnError || server.exited) {
      await server.stop();
      throw new Error(
        `Broadcaster node ${name} failed to start (${spawnError ? spawnError.message : 'exited with code ' + server.exited.code}).\n` +
          `--- server output ---\n${server.output(200)}`
      );
    }
    const status = await httpGetStatus(`${server.httpBase}/up`);
    if (status === 200) break;
    if (Date.now() > deadline) {
      const out = server.output(200);
      await server.stop();
      throw new Error(
        `Broadcaster node ${name} did not answer GET /up with 200 within ${STARTUP_TIMEOUT_MS} ms (last status ${status}).\n` +
          `--- server output ---\n${out}`
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return server;
}

module.exports = { startServer, freePort, portAllocator, httpGetStatus, dllPath, requireDll, spawnNode, APPS, DEFAULT_CONFIG, REPO_ROOT, BroadcasterServer };
