'use strict';

/**
 * The run's log folder: with BROADCASTER_TEST_LOG_DIR set (the test command sets it), every node process the suites
 * start writes its output into a file there, and the secrets it was configured with go into secrets.txt, so that a
 * scan after the whole run (logscan/) can show that no log line holds a secret or a signature. Unset: nothing is kept.
 */

const fs = require('node:fs');
const path = require('node:path');

const DIR = process.env.BROADCASTER_TEST_LOG_DIR || '';
let counter = 0;

function enabled() {
  return DIR.length > 0;
}

function fileFor(name) {
  fs.mkdirSync(DIR, { recursive: true });
  counter += 1;
  return path.join(DIR, `e2e-${String(name).replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}-${counter}.log`);
}

/** A sink for one process's output lines: write(line), end(). No-op when the run keeps no logs. */
function open(name) {
  if (!enabled()) return { write() {}, end() {} };
  const stream = fs.createWriteStream(fileFor(name), { flags: 'a' });
  stream.on('error', () => {});
  return {
    write(line) {
      stream.write(line + '\n');
    },
    end() {
      stream.end();
    },
  };
}

/** Keeps a copy of a log file some other program wrote (supervisord's programs). */
function keepFile(file, name) {
  if (!enabled()) return;
  try {
    fs.copyFileSync(file, fileFor(name));
  } catch (_) {
    /* never written */
  }
}

/** Secrets in HOCON text (secret/password/passphrase values) and in an environment (*SECRET*, *PASSWORD*, ...). */
function secretsIn({ config = '', env = {} } = {}) {
  const found = [...config.matchAll(/(?:secret|password|passphrase)\s*[=:]\s*"([^"]+)"/gi)].map((m) => m[1]);
  for (const [name, value] of Object.entries(env)) {
    if (/SECRET|PASSWORD|PASSPHRASE/i.test(name) && value) found.push(String(value));
  }
  return found.filter((s) => s.length > 0);
}

/** Adds the secrets a node is started with to the run's list. */
function rememberSecrets(source) {
  if (!enabled()) return;
  const secrets = secretsIn(source);
  if (secrets.length === 0) return;
  fs.mkdirSync(DIR, { recursive: true });
  fs.appendFileSync(path.join(DIR, 'secrets.txt'), secrets.join('\n') + '\n');
}

/** rememberSecrets() for a config file on disk. */
function rememberSecretsOfFile(file, env = {}) {
  let config = '';
  try {
    config = fs.readFileSync(file, 'utf8');
  } catch (_) {
    /* not there */
  }
  rememberSecrets({ config, env });
}

module.exports = { DIR, enabled, open, keepFile, secretsIn, rememberSecrets, rememberSecretsOfFile };
