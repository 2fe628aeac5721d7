'use strict';

// The deploy files of the repository run the node with settings the node knows: docker-compose.yml (parsed
// with merge keys, `${VAR:-default}` applied), the Dockerfile's ENTRYPOINT/CMD/HEALTHCHECK,
// deploy/supervisord.conf's programs are fed to the real `check` command with exactly their arguments and
// environment; the nginx configs pass `nginx -t`; the healthcheck's `probe` tells a ready node from a closed port.

const { describe, before, after, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const { startServer, dllPath, freePort, REPO_ROOT } = require('../lib/server');
const { httpGetJson } = require('../lib/supervisor');
const { waitFor } = require('../lib/wait');
const d = require('../lib/deploy-files');

const { DLL_NAME, node, asCheck, checkJson, documentedEnv } = d;

describe('deploy files', () => {
  let compose;
  let docker;

  before(() => {
    assert.ok(fs.existsSync(dllPath()), `build first: ${dllPath()}`);
    compose = d.readCompose();
    docker = d.readDockerfile();
  });

  it('`--help` names every command the deploy files and the README use', () => {
    const res = node(['--help']);
    assert.equal(res.code, 0);
    for (const cmd of ['serve', 'check', 'probe', 'restart', 'status']) {
      assert.match(res.stdout, new RegExp(`^\\s*broadcaster ${cmd}\\b`, 'm'), `--help lists \`${cmd}\`:\n${res.stdout}`);
    }
  });

  describe('docker-compose.yml', () => {
    it('every node service: `check` with its resolved environment and command exits 0 with the expected cluster settings', () => {
      const nodes = Object.entries(compose.services).filter(([, s]) => s.build);
      assert.deepEqual(nodes.map(([n]) => n), ['node1', 'node2', 'node3']);
      const known = documentedEnv();
      for (const [name, service] of nodes) {
        assert.equal(service.build, '.', `${name} is built from the repository's Dockerfile`);
        const env = d.serviceEnvironment(service);
        const unknown = Object.keys(env).filter((k) => !known.has(k));
        assert.deepEqual(unknown, [], `${name}: environment variables the node does not document in --help`);
        assert.deepEqual(
          { id: env.PUSHER_APP_ID, key: env.PUSHER_APP_KEY, secret: env.PUSHER_APP_SECRET },
          { id: 'app-id', key: 'app-key', secret: 'app-secret' },
          `${name}: \${VAR:-default} resolved to the defaults`
        );
        // The container runs ENTRYPOINT + command.
        const argv = [...docker.ENTRYPOINT, ...(service.command || docker.CMD)];
        const summary = checkJson(node(asCheck(argv), env), name);
        assert.deepEqual(
          {
            host: summary.server.host,
            port: summary.server.port,
            clusterPort: summary.cluster.port,
            seeds: summary.cluster.seeds,
            hostname: summary.cluster.hostname,
            publicHostname: summary.cluster.publicHostname,
            discovery: summary.cluster.discovery,
            apps: summary.apps.map((a) => [a.id, a.key, a.secret]),
            defaultApp: summary.defaultApp,
          },
          {
            host: '0.0.0.0',
            port: 6001,
            clusterPort: 4000,
            seeds: [],
            hostname: '0.0.0.0',
            publicHostname: name,
            discovery: { method: 'dns', serviceName: 'broadcaster', endpoints: [], requiredContactPoints: 3, managementHostname: '', managementPort: 8558 },
            apps: [['app-id', 'app-key', '(hidden)']],
            defaultApp: false,
          },
          `${name}: the configuration check resolved`
        );
        // The DNS name the bootstrap looks up is an alias every node service carries on the network they share.
        assert.deepEqual(service.networks.default.aliases, [summary.cluster.discovery.serviceName], `${name}: carries the discovery alias`);
      }
      // Every node counts, and only node services do: a new cluster waits for exactly the nodes compose starts.
      assert.equal(nodes.length, 3);
    });

    it('the static-seed alternative the file documents is a configuration the nodes accept', () => {
      const text = fs.readFileSync(d.repoFile('docker-compose.yml'), 'utf8');
      const seeds = text.match(/BROADCASTER_SEEDS: "([^"]+)"/)[1];
      const env = Object.fromEntries(Object.entries(d.serviceEnvironment(compose.services.node1)).filter(([k]) => !k.startsWith('BROADCASTER_DISCOVERY_')));
      const summary = checkJson(node(asCheck([...docker.ENTRYPOINT, ...compose.services.node1.command]), { ...env, BROADCASTER_SEEDS: seeds }), 'node1 with seeds');
      assert.deepEqual(summary.cluster.seeds, ['node1:4000', 'node2:4000', 'node3:4000']);
      assert.equal(summary.cluster.discovery.method, 'seeds');
      for (const seed of summary.cluster.seeds) assert.ok(compose.services[seed.split(':')[0]].build, `seed ${seed} is a node service`);
      // Seeds beside the dns method are refused, naming the seeds.
      const both = node(asCheck([...docker.ENTRYPOINT, ...compose.services.node1.command]), { ...d.serviceEnvironment(compose.services.node1), BROADCASTER_SEEDS: seeds });
      assert.equal(both.code, 2, `seeds and dns discovery together must be refused: ${both.stdout}`);
      assert.match(both.stderr, /broadcaster\.cluster\.seeds/);
    });

    it('values from the environment of `docker compose` override the defaults; a broken value makes `check` fail', () => {
      const env = d.serviceEnvironment(compose.services.node2, { PUSHER_APP_ID: 'pixelfed', PUSHER_APP_KEY: 'pf-key', PUSHER_APP_SECRET: 's3cret' });
      const argv = [...docker.ENTRYPOINT, ...compose.services.node2.command];
      const summary = checkJson(node(asCheck(argv), env), 'node2 with PUSHER_* set');
      assert.deepEqual(summary.apps.map((a) => [a.id, a.key]), [['pixelfed', 'pf-key']]);
      // Negative control: `check` really validates what it is given.
      const broken = node(asCheck(argv), { ...env, BROADCASTER_SEEDS: 'node1' });
      assert.equal(broken.code, 2, `a seed without port must be refused: ${broken.stdout}`);
      assert.match(broken.stderr, /seeds/);
    });

    it('restart policy, stop signal and healthcheck fit the rolling restart and the Dockerfile', () => {
      for (const [name, s] of Object.entries(compose.services).filter(([, x]) => x.build)) {
        assert.ok(['unless-stopped', 'always', 'on-failure'].includes(s.restart), `${name}: restart policy ${s.restart} restarts a node that exits with 75`);
        assert.equal(s.stop_signal, 'SIGTERM', `${name}: graceful stop`);
        assert.deepEqual(s.healthcheck.test, ['CMD', ...docker.HEALTHCHECK.cmd], `${name}: healthcheck = the Dockerfile's HEALTHCHECK`);
        const probe = s.healthcheck.test.slice(1);
        assert.equal(probe[2], 'probe');
        assert.equal(probe[probe.indexOf('--port') + 1], d.serviceEnvironment(s).BROADCASTER_PORT, `${name}: probes the port it serves`);
      }
    });

    it('the nginx service mounts deploy/nginx-compose.conf, which passes `nginx -t` and balances over every node service', () => {
      const lb = compose.services.nginx;
      const mount = lb.volumes.map((v) => v.split(':')).find(([, target]) => target.startsWith('/etc/nginx/conf.d/'));
      assert.ok(mount, `nginx mounts a conf.d file: ${JSON.stringify(lb.volumes)}`);
      const file = path.resolve(REPO_ROOT, mount[0]);
      assert.equal(file, d.repoFile('deploy', 'nginx-compose.conf'));
      const nodes = Object.keys(compose.services).filter((n) => compose.services[n].build);
      const replace = Object.fromEntries(nodes.map((n) => [`${n}:`, '127.0.0.1:']));
      const r = d.nginxTest(file, replace);
      assert.equal(r.code, 0, `nginx -t:\n${r.output}`);
      assert.match(r.output, /syntax is ok/);
      const upstreams = [...fs.readFileSync(file, 'utf8').matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`);
      assert.deepEqual(upstreams, nodes.map((n) => `${n}:${d.serviceEnvironment(compose.services[n]).BROADCASTER_PORT}`));
      const listen = fs.readFileSync(file, 'utf8').match(/listen\s+(\d+)/)[1];
      assert.ok(lb.ports.some((p) => String(p).endsWith(`:${listen}`)), `published port maps to nginx's listen ${listen}: ${lb.ports}`);
      // Negative control: nginx -t does fail on a broken snippet.
      const broken = d.nginxTest(file, { 'proxy_http_version 1.1;': 'proxy_http_version;' });
      assert.notEqual(broken.code, 0, 'nginx -t must reject a broken config');
    });
  });

  describe('deploy/nginx.conf and deploy/supervisord.conf', () => {
    it('deploy/nginx.conf passes `nginx -t` and its upstreams are the supervisord programs\' ports', () => {
      const file = d.repoFile('deploy', 'nginx.conf');
      const r = d.nginxTest(file);
      assert.equal(r.code, 0, `nginx -t:\n${r.output}`);
      const upstreams = [...fs.readFileSync(file, 'utf8').matchAll(/^\s*server\s+127\.0\.0\.1:(\d+)/gm)].map((m) => Number(m[1]));
      const ini = d.readIni(d.repoFile('deploy', 'supervisord.conf'));
      const ports = Object.entries(ini).filter(([k]) => k.startsWith('program:')).map(([, p]) => Number(p.command.match(/--port (\d+)/)[1]));
      assert.deepEqual(upstreams, ports);
    });

    it('every supervisord program: `check` with its command and environment exits 0; restart-friendly settings', () => {
      const ini = d.readIni(d.repoFile('deploy', 'supervisord.conf'));
      const programs = Object.entries(ini).filter(([k]) => k.startsWith('program:'));
      assert.equal(programs.length, 3);
      assert.ok(Number(ini.supervisord.minfds) >= 10000, `[supervisord] minfds ${ini.supervisord.minfds} raises the open-files limit`);
      const group = Object.entries(ini).find(([k]) => k.startsWith('group:'));
      assert.deepEqual(group[1].programs.split(',').map((s) => s.trim()), programs.map(([k]) => k.slice('program:'.length)));
      const clusterPorts = programs.map(([, p]) => Number(p.command.match(/--cluster-port (\d+)/)[1]));
      for (const [section, p] of programs) {
        const argv = p.command.trim().split(/\s+/);
        const env = d.parseSupervisorEnv(p.environment);
        const summary = checkJson(node(asCheck(argv), env), section);
        const flag = (f) => argv.filter((_, i) => argv[i - 1] === f);
        assert.equal(summary.server.host, flag('--host')[0]);
        assert.equal(summary.server.port, Number(flag('--port')[0]));
        assert.equal(summary.cluster.port, Number(flag('--cluster-port')[0]));
        assert.deepEqual(summary.cluster.seeds, flag('--seed'));
        for (const seed of summary.cluster.seeds) assert.ok(clusterPorts.includes(Number(seed.split(':')[1])), `${section}: seed ${seed} is a program's cluster port`);
        assert.deepEqual(summary.apps.map((a) => [a.id, a.key]), [[env.PUSHER_APP_ID, env.PUSHER_APP_KEY]]);
        assert.equal(summary.defaultApp, false);
        assert.ok(['true', 'unexpected'].includes(p.autorestart), `${section}: autorestart=${p.autorestart} restarts after exit 75`);
        assert.ok(!p.exitcodes || !p.exitcodes.split(',').includes('75'), `${section}: 75 must not be an expected exit code`);
        assert.equal(p.stopsignal, 'TERM');
        assert.ok(Number(p.stopwaitsecs) >= 10, `${section}: stopwaitsecs leaves time for a graceful stop`);
      }
    });
  });

  describe('Dockerfile', () => {
    let server;

    before(async () => {
      server = await startServer({ name: 'probe-target' });
      await waitFor(async () => (await httpGetJson(`${server.httpBase}/ready`)).status === 200, 30000, 'the node to be ready');
    }, { timeout: 60000 });

    after(async () => {
      if (server) await server.stop();
    });

    it('builds Broadcaster.Node.dll into the WORKDIR the ENTRYPOINT runs it from; EXPOSE matches the ports used', () => {
      assert.deepEqual(docker.ENTRYPOINT, ['dotnet', DLL_NAME]);
      assert.deepEqual(docker.CMD, ['serve']);
      const publish = docker.RUN.find((r) => r.includes('dotnet publish'));
      const project = publish.match(/dotnet publish (\S+)/)[1];
      assert.ok(fs.existsSync(d.repoFile(project)), `published project ${project} exists`);
      assert.match(fs.readFileSync(d.repoFile(project), 'utf8'), /<AssemblyName>Broadcaster\.Node<\/AssemblyName>/);
      const out = publish.match(/-o (\S+)/)[1];
      assert.equal(docker.WORKDIR[docker.WORKDIR.length - 1], out, 'the runtime stage runs from the publish directory');
      for (const copy of docker.COPY.filter((c) => !c.startsWith('--from'))) {
        for (const src of copy.split(/\s+/).slice(0, -1)) assert.ok(fs.existsSync(d.repoFile(src)), `COPY source ${src} exists`);
      }
      const env = d.serviceEnvironment(compose.services.node1);
      assert.deepEqual([...docker.EXPOSE].sort(), [Number(env.BROADCASTER_PORT), Number(env.BROADCASTER_CLUSTER_PORT), Number(env.BROADCASTER_MANAGEMENT_PORT)].sort());
    });

    it('ENTRYPOINT + CMD is a configuration the node accepts (`check` instead of `serve`)', () => {
      const summary = checkJson(node(asCheck([...docker.ENTRYPOINT, ...docker.CMD])), 'ENTRYPOINT + CMD');
      assert.equal(summary.server.host, '0.0.0.0');
      assert.equal(summary.server.port, 6001);
      assert.equal(summary.defaultApp, true, 'without PUSHER_* the default app is served');
    });

    it('HEALTHCHECK `probe` exits 0 against a ready node and 1 against a closed port', async () => {
      const cmd = docker.HEALTHCHECK.cmd;
      assert.match(docker.HEALTHCHECK.options, /--interval=\S+/);
      assert.equal(path.basename(cmd[1]), DLL_NAME);
      const withPort = (port) => cmd.slice(2).map((a, i, arr) => (arr[i - 1] === '--port' ? String(port) : a));
      const ok = node(withPort(server.port));
      assert.equal(ok.code, 0, `probe of a ready node (stdout ${ok.stdout}, stderr ${ok.stderr})`);
      assert.equal(JSON.parse(ok.stdout).ready, true);
      const closed = node(withPort(await freePort()));
      assert.equal(closed.code, 1, `probe of a closed port (stdout ${closed.stdout}, stderr ${closed.stderr})`);
    });
  });
});
