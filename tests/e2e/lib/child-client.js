'use strict';

/**
 * pusher-js / pusher SDK clients run in a child `node` process started with NODE_EXTRA_CA_CERTS=<CA>,
 * because the WebSocket stack under pusher-js reads the extra CAs only at process start (and TLS
 * verification stays on: NODE_TLS_REJECT_UNAUTHORIZED is removed from the child's environment).
 *
 * Parent side: runChildClient(file, caFile, input, label) runs `node <file> client <json>` and resolves
 * the last JSON line the child printed. Child side: `file` calls runAsChild(module, childMain), and
 * childMain uses startChild / connectPusher / subscribeChannel / finishChild.
 */

const { runProcess } = require('./process');

const CHILD_TIMEOUT_MS = 20000;

/** Runs `node <file> client <JSON input>` trusting `caFile`; resolves the child's result, rejects with its output if it fails. */
async function runChildClient(file, caFile, input, label) {
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: caFile };
  delete env.NODE_TLS_REJECT_UNAUTHORIZED; // verification stays on
  const { code, stdout, stderr } = await runProcess(process.execPath, [file, 'client', JSON.stringify(input)], { env, timeoutMs: CHILD_TIMEOUT_MS + 5000 });
  const line = stdout.trim().split('\n').filter(Boolean).pop() || '';
  let result;
  try {
    result = JSON.parse(line);
  } catch (_) {
    throw new Error(`${label} child exited with ${code} without a result\nstdout: ${stdout}\nstderr: ${stderr}`);
  }
  if (code !== 0 || !result.ok) throw new Error(`${label} child failed (exit ${code}): ${result.error || line}\nstderr: ${stderr}`);
  return result;
}

/** In `mod` (the helper's own module): when it runs as `node <file> client <json>`, runs childMain(json). */
function runAsChild(mod, childMain) {
  if (require.main === mod && process.argv[2] === 'client') {
    childMain(process.argv[3]).catch((err) => {
      process.stdout.write(JSON.stringify({ ok: false, error: err && err.stack ? err.stack : String(err) }) + '\n');
      process.exit(2);
    });
  }
}

/** Child: arms the overall time bound; on expiry `result` is printed with an error and the child exits 3. Returns the timer. */
function startChild(result) {
  return setTimeout(() => {
    result.error = `timed out after ${CHILD_TIMEOUT_MS} ms (${JSON.stringify(result)})`;
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(3);
  }, CHILD_TIMEOUT_MS);
}

/** Child: a pusher-js client for app-key on 127.0.0.1:port, resolved once connected (rejects on failed/unavailable). */
async function connectPusher({ port, wsPath, forceTLS }) {
  const Pusher = require('pusher-js');
  const options = {
    wsHost: '127.0.0.1',
    wsPort: port,
    wssPort: port,
    forceTLS,
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    cluster: 'mt1',
  };
  if (wsPath !== undefined) options.wsPath = wsPath;
  const client = new Pusher('app-key', options);
  const errors = [];
  client.connection.bind('error', (err) => errors.push(err));
  await new Promise((resolve, reject) => {
    client.connection.bind('connected', resolve);
    client.connection.bind('failed', () => reject(new Error('pusher-js: connection failed ' + JSON.stringify(errors))));
    client.connection.bind('unavailable', () => reject(new Error('pusher-js: connection unavailable ' + JSON.stringify(errors))));
  });
  return client;
}

/** Child: subscribes `client` to `channel`, resolved with the channel on pusher:subscription_succeeded. */
async function subscribeChannel(client, channel) {
  const ch = client.subscribe(channel);
  await new Promise((resolve, reject) => {
    ch.bind('pusher:subscription_succeeded', resolve);
    ch.bind('pusher:subscription_error', (e) => reject(new Error('subscription error ' + JSON.stringify(e))));
  });
  return ch;
}

/** Child: success; disconnects, prints `result` with ok: true and exits 0. */
function finishChild(result, timer, client) {
  client.disconnect();
  clearTimeout(timer);
  result.ok = true;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

module.exports = { CHILD_TIMEOUT_MS, runChildClient, runAsChild, startChild, connectPusher, subscribeChannel, finishChild };
