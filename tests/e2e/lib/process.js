'use strict';

/**
 * Child-process plumbing shared by the helpers: finding a binary on PATH, recording a child's exit,
 * stopping it (SIGTERM, SIGKILL after a grace period), running a command to completion with its output,
 * and a foreground process (nginx, caddy) whose output and log file are kept for failure reports.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const runLog = require('./run-log');

/** First executable `name` in PATH followed by `extraDirs`; null when there is none. */
function findExecutable(name, extraDirs = []) {
  for (const dir of (process.env.PATH || '').split(path.delimiter).concat(extraDirs)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch (_) {
      /* keep looking */
    }
  }
  return null;
}

/**
 * Sets `target.exited` (null until the exit, then { code, signal }) and `target.exitPromise` (resolves
 * with it) for `proc`; `onExit(exited)` runs first, before the promise resolves.
 */
function trackExit(target, proc, onExit) {
  target.exited = null;
  target.exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      target.exited = { code, signal };
      if (onExit) onExit(target.exited);
      resolve(target.exited);
    });
  });
  return target.exitPromise;
}

function signal(proc, sig) {
  try {
    proc.kill(sig);
  } catch (_) {
    /* already gone */
  }
}

/**
 * Graceful stop of a process tracked with trackExit(): SIGTERM, SIGKILL if it has not exited after
 * `graceMs` (`onForce()` runs just before that SIGKILL), resolves once it has exited. No-op when it is gone.
 */
async function terminate(target, { graceMs = 5000, onForce } = {}) {
  if (target.exited) return;
  signal(target.proc, 'SIGTERM');
  const killTimer = setTimeout(() => {
    if (target.exited) return;
    if (onForce) onForce();
    signal(target.proc, 'SIGKILL');
  }, graceMs);
  await target.exitPromise;
  clearTimeout(killTimer);
}

/** Crash stop of a process tracked with trackExit(): SIGKILL and wait for the exit. No-op when it is gone. */
async function killNow(target) {
  if (target.exited) return;
  signal(target.proc, 'SIGKILL');
  await target.exitPromise;
}

/** Runs a process until it exits (bounded); resolves { code, stdout, stderr }. */
function runProcess(command, args, { env, timeoutMs }) {
  const log = runLog.open(path.basename(String(args.find((a) => !String(a).startsWith('-') && !String(a).endsWith('.dll')) || command)));
  const configAt = args.indexOf('--config');
  if (configAt >= 0) runLog.rememberSecretsOfFile(args[configAt + 1], env || {});
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
      log.write(`[e2e] ${command} ${args.join(' ')} exited ${code}\n${stdout}${stderr}`);
      log.end();
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * A foreground child (a reverse proxy) whose stdout/stderr are kept; output() appends `logFile`
 * (read when asked, it may not be written yet). `captureSpawnError: false` leaves 'error' to the caller.
 */
class ForegroundProcess {
  constructor({ name, dir, proc, logFile, captureSpawnError = true }) {
    this.name = name;
    this.dir = dir;
    this.proc = proc;
    this.logFile = logFile;
    this.out = [];
    trackExit(this, proc);
    if (captureSpawnError) proc.on('error', (err) => this.out.push(`[e2e] spawn error: ${err.message}\n`));
    proc.stdout.on('data', (c) => this.out.push(c.toString('utf8')));
    proc.stderr.on('data', (c) => this.out.push(c.toString('utf8')));
  }

  /** Last `n` lines of its own output and of its log file, for failure reports. */
  output(n = 30) {
    let log = '';
    if (this.logFile) {
      try {
        log = fs.readFileSync(this.logFile, 'utf8');
      } catch (_) {
        /* not written */
      }
    }
    return (this.out.join('') + log).split('\n').filter(Boolean).slice(-n).join('\n') || `(no ${this.name} output)`;
  }

  async stop() {
    await terminate(this);
  }
}

module.exports = { findExecutable, trackExit, terminate, killNow, runProcess, ForegroundProcess };
