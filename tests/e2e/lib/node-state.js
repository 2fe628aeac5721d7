'use strict';

/**
 * What a node says about itself and the cluster, read the way an operator reads it: /metrics (Prometheus
 * text), the HTTP API's channel and user answers, and the process's resident memory from /proc. The fault
 * suites use these to prove that nothing is left behind and that every node tells the same story.
 */

const fs = require('node:fs');
const http = require('node:http');
const { execFile } = require('node:child_process');

/** GET `url` as text: { status, body }; status 0 when unreachable (never rejects). */
function getText(url, timeoutMs = 3000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ status: 0, body: '' });
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

/** The node's /metrics as a Map from 'name{labels}' (labels as written) to a number; null when unreachable. */
async function metrics(httpBase) {
  const { status, body } = await getText(`${httpBase}/metrics`);
  if (status !== 200) return null;
  const out = new Map();
  for (const line of body.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/** The figures the fault suites compare, from one /metrics answer (undefined series read as 0). */
function figures(m) {
  const get = (key) => m.get(key) || 0;
  return {
    connected: get('broadcaster_connected{app_id="app-id"}'),
    channels: get('broadcaster_channels'),
    subscriptions: get('broadcaster_subscriptions'),
    presenceNode: get('broadcaster_presence_members{scope="node"}'),
    presenceCluster: get('broadcaster_presence_members{scope="cluster"}'),
    up: get('broadcaster_cluster_members{status="up"}'),
    members: [...m.entries()].filter(([k]) => k.startsWith('broadcaster_cluster_members{')).reduce((a, [, v]) => a + v, 0),
    unreachable: get('broadcaster_cluster_unreachable_members'),
    gcHeapBytes: get('dotnet_total_memory_bytes'),
    workingSetBytes: get('process_working_set_bytes'),
  };
}

/** Resident memory of a process in bytes (VmRSS), null when it is gone. */
function rssBytes(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : null;
  } catch (_) {
    return null;
  }
}

/**
 * One channel as `sdk`'s node answers it: subscription and user counts, the member ids (presence channels),
 * and whether GET /channels lists it.
 */
async function channelState(sdk, channel) {
  const presence = channel.startsWith('presence-');
  const info = await (await sdk.get({ path: `/channels/${channel}`, params: { info: presence ? 'user_count,subscription_count' : 'subscription_count' } })).json();
  const users = presence ? (await (await sdk.get({ path: `/channels/${channel}/users` })).json()).users.map((u) => u.id).sort() : null;
  const list = await (await sdk.get({ path: '/channels' })).json();
  return { info, users, listed: Object.prototype.hasOwnProperty.call(list.channels, channel), channelCount: Object.keys(list.channels).length };
}

/**
 * The live managed heap of a node process in bytes: `dotnet-gcdump report` (the repo's tool manifest; `dotnet tool
 * restore`) runs a full, compacting collection first, so what it counts is what is still referenced.
 */
function liveHeapBytes(pid, repoRoot) {
  return new Promise((resolve, reject) => {
    execFile('dotnet', ['dotnet-gcdump', 'report', '-p', String(pid)], { cwd: repoRoot, encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) => {
      const m = /^\s*([\d,]+)\s+GC Heap bytes/m.exec(stdout || '');
      if (m) resolve(Number(m[1].replace(/,/g, '')));
      else reject(new Error(`dotnet-gcdump report -p ${pid} gave no heap size (run dotnet tool restore): ${err ? err.message : ''} ${stderr}`));
    });
  });
}

const MiB = 1024 * 1024;
const mib = (bytes) => Math.round((bytes / MiB) * 10) / 10;

module.exports = { getText, metrics, figures, rssBytes, liveHeapBytes, channelState, mib, MiB };
