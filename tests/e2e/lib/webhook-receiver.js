'use strict';

/**
 * A webhook endpoint for the tests: a real HTTP server on 127.0.0.1 that keeps every request's headers and raw body,
 * and can answer the first requests with an error (an endpoint that is down, then back).
 */

const http = require('node:http');
const { waitFor } = require('./wait');

async function startWebhookReceiver({ failFirst = 0 } = {}) {
  const requests = [];
  let failuresLeft = failFirst;
  let failed = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft--;
        failed++;
        res.writeHead(503);
        res.end();
        return;
      }
      requests.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  return {
    port,
    url: `http://127.0.0.1:${port}/pusher/webhook`,
    requests,
    get failed() {
      return failed;
    },
    /** Every event of every delivered request, in order: { name, channel, user_id, ... }. */
    events() {
      return requests.flatMap((r) => JSON.parse(r.rawBody).events);
    },
    async waitForEvents(predicate, timeoutMs, description) {
      await waitFor(() => predicate(this.events()), timeoutMs, () => `${description} (have ${JSON.stringify(this.events())})`);
      return this.events();
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections && server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

module.exports = { startWebhookReceiver };
