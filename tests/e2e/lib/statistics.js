'use strict';

/**
 * Helpers for the statistics suites (test/statistics*.test.js), whose nodes write one row per interval with
 * `statistics { interval = 1s }`: the table's columns, interval arithmetic, sums over rows, and the `clean` command.
 * The database itself is read with lib/sqlite.js.
 *
 *   const first = ceilInterval(Date.now());           // start of the next interval
 *   assert.equal(sum(rows, 'api_messages'), 9);
 *   const res = await runClean(['--days', '30', '--config', file]);   // REMOVED_RE matches its summary line
 */

const { dllPath } = require('./server');
const { runProcess } = require('./process');

const INTERVAL_MS = 1000;
const DAY_MS = 24 * 3600 * 1000;
const COLUMNS = ['interval_start', 'interval_ms', 'app_id', 'node', 'peak_connections', 'websocket_messages_in', 'websocket_messages_out', 'api_messages'];

const floorInterval = (t) => Math.floor(t / INTERVAL_MS) * INTERVAL_MS;
const ceilInterval = (t) => Math.ceil(t / INTERVAL_MS) * INTERVAL_MS;
const sum = (rows, field) => rows.reduce((s, r) => s + r[field], 0);

/** `dotnet <dll> clean <args>`: resolves { code, stdout, stderr }. */
function runClean(args) {
  return runProcess('dotnet', [dllPath(), 'clean', ...args], {
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    timeoutMs: 30000,
  });
}

/** The summary line of `clean`: removed count, days, database path. */
const REMOVED_RE = /^Removed (\d+) statistics (?:entry|entries) older than (\d+) days? from (.+)$/m;

module.exports = { INTERVAL_MS, DAY_MS, COLUMNS, floorInterval, ceilInterval, sum, runClean, REMOVED_RE };
