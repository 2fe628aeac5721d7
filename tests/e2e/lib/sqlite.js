'use strict';

/**
 * The statistics database read with the `sqlite3` command-line shell (Debian package, installed by
 * scripts/install-test-deps.sh): an independent reader of what the nodes wrote, not the server's own code.
 * Every call is a separate process with a bounded run time and a 5 s busy timeout, so it waits for a node's
 * write transaction instead of failing with "database is locked".
 *
 * A call on a path that does not exist yet rejects instead of letting sqlite3 create an empty database there
 * (the node must be the one that creates it).
 */

const fs = require('node:fs');
const path = require('node:path');

const { findExecutable, runProcess } = require('./process');
const { REPO_ROOT } = require('./server');

const RUN_TIMEOUT_MS = 15000;

function sqlite3Binary() {
  const exe = process.env.E2E_SQLITE3 || findExecutable('sqlite3');
  if (exe) return exe;
  throw new Error(
    `sqlite3 (the command-line shell) is not installed. The statistics end-to-end tests check the database with it:\n` +
      `  sudo bash ${path.join(REPO_ROOT, 'scripts', 'install-test-deps.sh')}\n` +
      `or point E2E_SQLITE3 at a sqlite3 binary.`
  );
}

async function run(db, args, sql) {
  if (!fs.existsSync(db)) throw new Error(`no database at ${db} yet`);
  const res = await runProcess(sqlite3Binary(), ['-bail', '-cmd', '.timeout 5000', ...args, db, sql], { env: process.env, timeoutMs: RUN_TIMEOUT_MS });
  if (res.code !== 0) throw new Error(`sqlite3 ${db} "${sql}" exited ${res.code}: ${res.stderr.trim() || res.stdout.trim()}`);
  return res.stdout;
}

/** Rows of `sql` as objects (`sqlite3 -json`); [] when there are none. */
async function sqliteJson(db, sql) {
  const out = (await run(db, ['-json'], sql)).trim();
  return out ? JSON.parse(out) : [];
}

/** What sqlite3 prints for `sql` (list mode), trimmed: 'ok' for PRAGMA integrity_check, 'wal' for PRAGMA journal_mode. */
async function sqliteText(db, sql) {
  return (await run(db, [], sql)).trim();
}

module.exports = { sqlite3Binary, sqliteJson, sqliteText };
