'use strict';

/**
 * Small HTTP / TCP probes shared by the helpers: a TCP connect probe, a GET that resolves only the
 * status, a GET that parses a JSON body (never rejects), and a GET/request that collects a text body.
 */

const net = require('node:net');
const http = require('node:http');
const https = require('node:https');

/** True when 127.0.0.1:port accepts a TCP connection within 500 ms. */
function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}

/** GET `url`; resolves its status code, 0 on a timeout or an error (never rejects). */
function httpGetStatus(url, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(0);
    });
    req.on('error', () => resolve(0));
  });
}

/**
 * GET `url`; resolves { status, body } with body the parsed JSON (null when it is not JSON),
 * { status: 0, body: null } on a timeout and { status: 0, body: null, error } on an error (never rejects).
 * `agent: false` uses a fresh connection per request instead of the global keep-alive agent.
 */
function httpGetJson(url, { timeoutMs = 2000, agent } = {}) {
  const options = agent === undefined ? { timeout: timeoutMs } : { timeout: timeoutMs, agent };
  return new Promise((resolve) => {
    const req = http.get(url, options, (res) => {
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
    req.on('error', (err) => resolve({ status: 0, body: null, error: err.message }));
  });
}

/**
 * One http(s) request (`options` as for http.request, `scheme` picks the module) whose utf8 body is
 * collected. Resolves { status, body, headers } plus whatever `onResponse(res)` returns merged in (it
 * runs while the socket is still open, e.g. to read the peer certificate); rejects on an error, and on
 * a timeout with `timeoutMessage`. `body` is written before the request ends.
 */
function requestText({ scheme = 'http', options, body, timeoutMessage = 'timeout', onResponse }) {
  const lib = scheme === 'https' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(options, (res) => {
      const extra = onResponse ? onResponse(res) : {};
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, body: text, headers: res.headers, ...extra }));
    });
    req.on('timeout', () => req.destroy(new Error(timeoutMessage)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

module.exports = { canConnect, httpGetStatus, httpGetJson, requestText };
