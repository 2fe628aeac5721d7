'use strict';

/**
 * Readers for the deploy files of the repository (docker-compose.yml, Dockerfile, deploy/supervisord.conf,
 * deploy/nginx*.conf, deploy/kubernetes/*.yaml), turning them into what the node binary would be run with, so test/deploy.test.js can
 * run `check` / `probe` with exactly those settings and `nginx -t` on the proxy configs.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const YAML = require('yaml');

const assert = require('node:assert/strict');

const { REPO_ROOT, dllPath } = require('./server');

const repoFile = (...p) => path.join(REPO_ROOT, ...p);

/** Every document of a multi-document YAML file (deploy/kubernetes/*.yaml), parsed; a syntax error throws. */
function readYamlDocuments(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS();
  });
}

/**
 * A Kubernetes container's env list as the node would see it: `value`s as they are, `fieldRef`s and
 * `secretKeyRef`s from `refs` (keyed by field path, or by "secret/key"); an unknown reference throws.
 */
function containerEnvironment(container, refs = {}) {
  const env = {};
  for (const item of container.env || []) {
    if (item.value !== undefined) env[item.name] = String(item.value);
    else if (item.valueFrom && item.valueFrom.fieldRef) env[item.name] = refs[item.valueFrom.fieldRef.fieldPath];
    else if (item.valueFrom && item.valueFrom.secretKeyRef) env[item.name] = refs[`${item.valueFrom.secretKeyRef.name}/${item.valueFrom.secretKeyRef.key}`];
    if (env[item.name] === undefined) throw new Error(`no value for ${item.name}: ${JSON.stringify(item)}`);
  }
  return env;
}

/** docker-compose.yml parsed with YAML merge keys (`<<: *anchor`) applied. */
function readCompose(file = repoFile('docker-compose.yml')) {
  return YAML.parse(fs.readFileSync(file, 'utf8'), { merge: true });
}

/**
 * Compose variable interpolation: ${VAR:-default}, ${VAR-default}, ${VAR}, $VAR and $$ (a literal $).
 * `vars` is the environment of `docker compose` (empty here: the shipped defaults apply).
 */
function interpolate(value, vars = {}) {
  if (typeof value !== 'string') return value === null || value === undefined ? '' : String(value);
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, name, op, def, bare) => {
    if (m === '$$') return '$';
    if (bare) return vars[bare] ?? '';
    const v = vars[name];
    if (op === ':-') return v === undefined || v === '' ? def : v;
    if (op === '-') return v === undefined ? def : v;
    return v ?? '';
  });
}

/** A service's environment (map or list form) with variables interpolated. */
function serviceEnvironment(service, vars = {}) {
  const env = {};
  const raw = service.environment || {};
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const i = item.indexOf('=');
      env[i < 0 ? item : item.slice(0, i)] = i < 0 ? vars[item] ?? '' : interpolate(item.slice(i + 1), vars);
    }
  } else {
    for (const [k, v] of Object.entries(raw)) env[k] = interpolate(v, vars);
  }
  return env;
}

/** Exec-form instructions of the Dockerfile: { ENTRYPOINT: [...], CMD: [...], HEALTHCHECK: { options, cmd: [...] }, EXPOSE: [...], ... }. */
function readDockerfile(file = repoFile('Dockerfile')) {
  const text = fs.readFileSync(file, 'utf8').replace(/\\\n/g, ' ');
  const out = { FROM: [], COPY: [], RUN: [], WORKDIR: [], EXPOSE: [] };
  for (const line of text.split('\n')) {
    const m = line.trim().match(/^([A-Z]+)\s+(.*)$/);
    if (!m) continue;
    const [, instr, rest] = m;
    if (instr === 'ENTRYPOINT' || instr === 'CMD') out[instr] = JSON.parse(rest);
    else if (instr === 'HEALTHCHECK') {
      const h = rest.match(/^(.*?)\bCMD\s+(\[.*\])\s*$/);
      out.HEALTHCHECK = { options: h[1].trim(), cmd: JSON.parse(h[2]) };
    } else if (instr === 'EXPOSE') out.EXPOSE.push(...rest.split(/\s+/).map(Number));
    else if (out[instr]) out[instr].push(rest);
  }
  return out;
}

/** supervisord's INI: { sections: { 'program:x': { key: value } } } (`;` comments, `key = value`). */
function readIni(file) {
  const sections = {};
  let current = null;
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/(^|\s);.*$/, '').trim();
    if (!line) continue;
    const s = line.match(/^\[(.+)\]$/);
    if (s) {
      current = sections[s[1]] = {};
      continue;
    }
    const kv = line.match(/^([^=]+?)\s*=\s*(.*)$/);
    if (kv && current) current[kv[1]] = kv[2];
  }
  return sections;
}

/** supervisord's `environment = A="x",B="y"` as an object. */
function parseSupervisorEnv(text = '') {
  const env = {};
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|[^,]*)/g)) env[m[1]] = m[3] ?? m[4] ?? m[2];
  return env;
}

/** The environment `check` runs with: only what a fresh container/program gets plus what the deploy file sets. */
function cleanEnv(extra = {}) {
  const env = {};
  for (const k of ['PATH', 'HOME', 'DOTNET_ROOT', 'LANG', 'TMPDIR']) if (process.env[k]) env[k] = process.env[k];
  return { ...env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', ...extra };
}

function run(command, args, env, timeoutMs = 30000) {
  const r = spawnSync(command, args, { env, encoding: 'utf8', timeout: timeoutMs, cwd: os.tmpdir() });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `nginx -t` of a conf.d snippet: wrapped in a minimal main config (`events {}`, `http { include ...; }`) with
 * everything under a temp prefix. `replace` maps strings of the snippet (e.g. node1 -> 127.0.0.1) first.
 */
function nginxTest(snippetFile, replace = {}) {
  const { nginxBinary } = require('./nginx');
  const bin = nginxBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcaster-e2e-nginx-t-'));
  try {
    let snippet = fs.readFileSync(snippetFile, 'utf8');
    for (const [from, to] of Object.entries(replace)) snippet = snippet.split(from).join(to);
    fs.writeFileSync(path.join(dir, 'site.conf'), snippet);
    const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root root;\n' : '';
    fs.writeFileSync(
      path.join(dir, 'nginx.conf'),
      `${user}pid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n  access_log off;\n  client_body_temp_path ${dir}/cb;\n  proxy_temp_path ${dir}/proxy;\n  include ${dir}/site.conf;\n}\n`
    );
    const r = run(bin, ['-t', '-c', path.join(dir, 'nginx.conf'), '-p', dir + '/', '-e', path.join(dir, 'error.log')], process.env);
    return { ...r, snippet, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/* The built node's `check`, run with exactly what a deploy file gives it. */

const DLL_NAME = 'Broadcaster.Node.dll';

/** `dotnet <built dll> <args>` with the given environment only. */
function node(args, env = {}) {
  return run('dotnet', [dllPath(), ...args], cleanEnv(env));
}

/** argv of a deploy file (`dotnet <some path>/Broadcaster.Node.dll serve ...`) turned into a `check` of the built dll. */
function asCheck(argv) {
  assert.equal(argv[0], 'dotnet', `runs dotnet: ${argv.join(' ')}`);
  assert.equal(path.basename(argv[1]), DLL_NAME, `runs ${DLL_NAME}: ${argv.join(' ')}`);
  assert.equal(argv[2], 'serve', `runs serve: ${argv.join(' ')}`);
  return ['check', ...argv.slice(3)];
}

function checkJson(res, what) {
  assert.equal(res.code, 0, `${what}: check must exit 0 (stderr: ${res.stderr})`);
  try {
    return JSON.parse(res.stdout);
  } catch (err) {
    throw new Error(`${what}: check printed no JSON: ${res.stdout}`);
  }
}

/** Environment variable names `--help` documents (the ones the node reads). */
function documentedEnv() {
  const res = node(['--help']);
  assert.equal(res.code, 0);
  const at = res.stdout.search(/^Environment\b/m);
  assert.ok(at >= 0, `--help has an Environment section:\n${res.stdout}`);
  const env = res.stdout.slice(at);
  return new Set(env.match(/\b[A-Z][A-Z0-9_]{3,}\b/g));
}

module.exports = {
  DLL_NAME,
  node,
  asCheck,
  checkJson,
  documentedEnv,
  repoFile, readYamlDocuments, containerEnvironment, readCompose, interpolate, serviceEnvironment, readDockerfile, readIni, parseSupervisorEnv, cleanEnv, run, nginxTest };
