'use strict';

/**
 * After the whole run (scripts/test.sh runs this last): no log line of any node the suites started (.NET tests and
 * end-to-end alike, kept by lib/run-log.js and tests/Node.Tests/Infrastructure/RunLog.cs) holds a secret the nodes
 * were configured with (app secrets, the admin secret, dashboard passwords, TLS passphrases) or a signature
 * (an HMAC-SHA256 in hex, an auth_signature value).
 */

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const DIR = process.env.BROADCASTER_TEST_LOG_DIR || '';
// Shorter values would match ordinary words; none of the test configurations uses one.
const MIN_SECRET_LENGTH = 6;
const SIGNATURES = [/\b[0-9a-f]{64}\b/i, /auth_signature=[^&\s"]+/i, /"auth"\s*:\s*"[^":]+:[0-9a-f]+"/i];

function logFiles() {
  return fs.readdirSync(DIR).filter((f) => f.endsWith('.log')).map((f) => path.join(DIR, f));
}

describe('logs of the whole test run', () => {
  it('hold no secret and no signature', (t) => {
    assert.ok(DIR, 'BROADCASTER_TEST_LOG_DIR is not set: run this through scripts/test.sh, after the other suites');
    assert.ok(fs.existsSync(DIR), `${DIR} does not exist: no suite kept its logs`);
    const all = fs.readFileSync(path.join(DIR, 'secrets.txt'), 'utf8').split('\n').filter(Boolean);
    const secrets = [...new Set(all)].filter((s) => s.length >= MIN_SECRET_LENGTH);
    const files = logFiles();
    const dotnet = files.filter((f) => path.basename(f).startsWith('dotnet-'));
    const e2e = files.filter((f) => path.basename(f).startsWith('e2e-'));
    // The scan must have had something to read: every suite keeps its logs.
    assert.ok(secrets.length >= 5, `only ${secrets.length} secrets were recorded`);
    assert.ok(dotnet.length >= 1, 'no log of the .NET test run');
    assert.ok(e2e.length >= 20, `only ${e2e.length} end-to-end node logs`);

    let lines = 0;
    const hits = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      text.split('\n').forEach((line, i) => {
        lines += 1;
        // The harness's own lines ("[e2e] started: dotnet ... --config ...") are not the node's.
        if (line.startsWith('[e2e]')) return;
        const secret = secrets.find((s) => line.includes(s));
        const signature = SIGNATURES.find((re) => re.test(line));
        if ((secret || signature) && hits.length < 20) {
          hits.push(`${path.basename(file)}:${i + 1}: ${secret ? `secret "${secret}"` : `signature ${signature}`}: ${line.slice(0, 300)}`);
        }
      });
    }
    t.diagnostic(`${files.length} logs (${dotnet.length} .NET, ${e2e.length} end-to-end), ${lines} lines, ${secrets.length} secrets`);
    assert.deepEqual(hits, [], `log lines with a secret or a signature:\n${hits.join('\n')}`);
  });
});
