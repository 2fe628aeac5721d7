'use strict';

// Rolling restart under load: three nodes under a real supervisord (autorestart), nginx in front, pusher-js
// clients through nginx on a public and a presence channel, a steady stream of sequenced events through nginx,
// and the real `restart` command. Every node is replaced; every client is closed with 4200, comes back through
// nginx and receives every event triggered after it re-subscribed, with no duplicates and in order per
// accepting node; presence and counts are exact afterwards. operations-restart.test.js covers the restart
// itself without load (exit codes, never all down, the status command).

const { describe, before, after, it } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { Supervisor } = require('../lib/supervisor');
const { dllPath } = require('../lib/server');
const { startNginx } = require('../lib/nginx');
const { startAuthServer } = require('../lib/auth-server');
const { runProcess } = require('../lib/process');
const { ClientPool, waitConnected, uid, findCode } = require('../lib/clients');
const { waitFor } = require('../lib/wait');
const { EventStream, Ledger, assertExactDelivery } = require('../lib/event-stream');
const { metrics, figures, channelState } = require('../lib/node-state');

const CONFIG = `broadcaster {
  cluster { failure-timeout = 2s, down-after = 2s }
  apps = [ { id = "app-id", key = "app-key", secret = "app-secret" } ]
}
`;
const CLIENTS = 15;
const RATE = 25;
// README, `restart`: every node gets a slot within 4 s and stops gracefully in 1-4 s, once another node is ready;
// pusher-js reconnects at once. On an idle machine every process is replaced within about 10 s; on this shared
// one a node can take seconds to start, and the next node's turn waits for it, so the whole restart is only bounded
// generously here (and reported), while what a user sees, one client's outage, is held to a few seconds: from its
// socket's close to both channels subscribed again on another node.
const REPLACED_WITHIN_MS = 40000;
const OUTAGE_BOUND_MS = 5000;
// nginx sets an upstream that refused a connection aside for fail_timeout (max_fails=1, lib/nginx.js's default;
// deploy/nginx.conf uses max_fails=0 for this reason). A restarted node refuses while it starts, so nginx still avoids it for seconds after it
// is ready and the next node's turn has come; the draining node answers each new socket with 4200 at once, and
// pusher-js, sent back to it again and again, backs off for about 15 s (measured: docs/reliability.md). With
// max_fails=0 nginx tries every node at each connect, and the outage is what the server makes it.
// E2E_NGINX_MAX_FAILS=1 runs this suite the other way.
const NGINX_MAX_FAILS = Number(process.env.E2E_NGINX_MAX_FAILS || 0);

describe('faults: rolling restart under a steady stream of events', () => {
  let sup;
  let nginx;
  let auth;
  let lb;

  const withOutput = (fn) => async (t) => {
    try {
      await fn(t);
    } catch (err) {
      if (err && typeof err.message === 'string') err.message += `\n${sup ? sup.output(30) : ''}\n${nginx ? nginx.output(20) : ''}`;
      throw err;
    }
  };

  before(
    async () => {
      auth = await startAuthServer();
      sup = await Supervisor.start({ size: 3, config: CONFIG });
      nginx = await startNginx({ upstreamPorts: sup.programs.map((p) => p.port), maxFails: NGINX_MAX_FAILS });
      lb = new ClientPool({ server: nginx, auth });
    },
    { timeout: 90000 }
  );

  after(
    async () => {
      if (lb) await lb.disconnectAll();
      if (nginx) await nginx.stop();
      if (sup) await sup.stop();
      if (auth) await auth.close();
    },
    { timeout: 60000 }
  );

  it('every client back and receiving within the documented time; no loss, no duplicates; presence exact', { timeout: 120000 }, withOutput(async (t) => {
    const pub = uid('restart-pub');
    const P = `presence-${uid('restart')}`;
    const stream = new EventStream({ sdk: lb.sdk({ timeout: 3000 }), channels: [pub, P], ratePerSecond: RATE });
    t.after(() => stream.stop()); // also when the test fails half-way
    const ledger = new Ledger(stream);
    const clients = [];
    let commandAt = 0;
    for (let k = 0; k < CLIENTS; k++) {
      const client = lb.pusher({ auth: { user: `r${k}`, per_socket: '1' } });
      // Its connection's story (ms after the restart command), shown when its outage is too long.
      const entry = { label: `nginx#${k}`, k, client, codes: [], story: [] };
      const at = () => Date.now() - (commandAt || Date.now());
      client.connection.bind('state_change', ({ current }) => entry.story.push(`${at()} ${current}`));
      client.connection.bind('error', (err) => {
        const code = findCode(err);
        if (code !== undefined) entry.codes.push(code);
        entry.story.push(`${at()} error ${code ?? JSON.stringify(err).slice(0, 120)}`);
      });
      await waitConnected(client);
      entry.ledger = ledger.track(entry.label, client, [pub, P]);
      clients.push(entry);
    }
    await waitFor(() => clients.every((c) => c.client.channel(P).members.count === CLIENTS), 15000, `every client to see ${CLIENTS} members`);
    const originalPids = sup.pids();

    stream.start();
    await stream.waitAccepted(2 * RATE);
    commandAt = Date.now();
    const res = await runProcess('dotnet', [dllPath(), 'restart', '--port', String(sup.programs[0].port), '--config', path.join(sup.dir, 'broadcaster.conf')], {
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
      timeoutMs: 30000,
    });
    assert.equal(res.code, 0, `restart (stdout ${res.stdout}, stderr ${res.stderr})`);

    const replacedAt = {};
    await waitFor(
      () => {
        const now = sup.currentPidsFromLog();
        for (const p of sup.programs) if (!replacedAt[p.name] && now[p.name] && now[p.name] !== originalPids[p.name]) replacedAt[p.name] = Date.now() - commandAt;
        return sup.programs.every((p) => replacedAt[p.name] !== undefined);
      },
      REPLACED_WITHIN_MS,
      () => `every node process replaced (so far ${JSON.stringify(replacedAt)})`
    );
    await sup.waitReady(60000);
    const readyMs = Date.now() - commandAt;

    // Every client: closed with 4200 at least once, connected again and subscribed on both channels since.
    const back = (c) => c.client.connection.state === 'connected' && [pub, P].every((n) => c.ledger.channels.get(n).intervals.slice(-1)[0].to === Infinity && c.ledger.channels.get(n).intervals.length >= 2);
    await waitFor(() => clients.every(back), 30000, () => `every client back (not yet: ${clients.filter((c) => !back(c)).map((c) => `${c.label} ${c.client.connection.state}`).join(', ')})`);
    const allBackMs = Math.max(...clients.map((c) => Math.max(...[pub, P].map((n) => c.ledger.channels.get(n).intervals.slice(-1)[0].from)))) - commandAt;

    // Outages per client: close of one socket to both channels subscribed again.
    const outages = [];
    for (const c of clients) {
      const [a, b] = [pub, P].map((n) => c.ledger.channels.get(n).intervals);
      for (let i = 1; i < Math.min(a.length, b.length); i++) outages.push({ label: c.label, ms: Math.max(a[i].from, b[i].from) - Math.min(a[i - 1].to, b[i - 1].to) });
    }
    const worst = outages.reduce((w, o) => (o.ms > w.ms ? o : w), { ms: 0 });

    // Presence and counts exact on every node and through nginx.
    const expected = clients.map((c) => `r${c.k}@${c.client.connection.socket_id}`).sort();
    let last = null;
    await waitFor(
      async () => {
        last = await Promise.all(
          sup.programs.map(async (p) => {
            const sdk = new ClientPool({ server: { host: '127.0.0.1', port: p.port }, auth }).sdk();
            return { node: p.name, P: await channelState(sdk, P), pub: await channelState(sdk, pub) };
          })
        );
        return last.every((a) => a.P.info.user_count === CLIENTS && a.P.info.subscription_count === CLIENTS && a.pub.info.subscription_count === CLIENTS && a.P.users.join('|') === expected.join('|'));
      },
      15000,
      () => `exact presence and counts on every node (expected ${JSON.stringify(expected)}; last ${JSON.stringify(last)})`
    );
    const presenceMs = Date.now() - commandAt;
    let m = null;
    await waitFor(
      async () => {
        m = await Promise.all(sup.programs.map(async (p) => figures(await metrics(p.httpBase))));
        return m.every((f) => f.up === 3 && f.members === 3 && f.unreachable === 0 && f.presenceCluster === CLIENTS) && m.reduce((a, f) => a + f.connected, 0) === CLIENTS;
      },
      15000,
      () => `/metrics: three members Up everywhere, ${CLIENTS} connections (last ${JSON.stringify(m)})`
    );

    await stream.waitAccepted(2 * RATE);
    await stream.stop();
    const r = await ledger.settle(10000);
    t.diagnostic(`nginx max_fails=${NGINX_MAX_FAILS}; stream ${JSON.stringify(stream.summary())}`);
    t.diagnostic(`replaced at ${JSON.stringify(replacedAt)} ms; all ready ${readyMs} ms; all clients back ${allBackMs} ms; presence exact ${presenceMs} ms after the command`);
    t.diagnostic(`${outages.length} client outages, worst ${worst.ms} ms (${worst.label}), median ${outages.map((o) => o.ms).sort((x, y) => x - y)[Math.floor(outages.length / 2)]} ms`);
    assertExactDelivery(t, r);
    for (const c of clients) assert.ok(c.codes.includes(4200), `${c.label} was closed with 4200 (codes ${JSON.stringify(c.codes)})`);
    assert.ok(worst.ms <= OUTAGE_BOUND_MS, `worst client outage ${worst.ms} ms (${worst.label}: ${clients.find((c) => c.label === worst.label).story.join(' | ')}; nodes replaced at ${JSON.stringify(replacedAt)})`);
  }));
});
