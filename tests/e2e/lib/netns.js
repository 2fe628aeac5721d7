'use strict';

/**
 * A network of its own for a cluster, so a test can cut one node off for real: one network namespace per node,
 * each joined by a veth pair to a bridge in the root namespace that carries a private /24 of its own.
 *
 *   root namespace: bridge bcf<pid>br 10.250.X.1 -- veth bcf<pid>h<i> == bcf<pid>p<i> in namespace bcf<pid>n<i>: 10.250.X.(11+i)
 *
 * Nodes run inside their namespaces (`ip netns exec`), bound to their own address; nginx and the clients stay in
 * the root namespace and reach the nodes through the bridge, as a load balancer reaches hosts. cut(i) takes node
 * i's link down: it can reach neither the other nodes nor the load balancer, and nothing reaches it (the kernel has
 * no netem here, so there is no partial loss). heal(i) brings it back.
 *
 * Names carry the test process's pid, so a run never touches another's namespaces, and cleanStale() removes
 * those of runs whose process is gone (an aborted run cannot clean up after itself). Traffic goes only to the
 * addresses of the namespaces made here.
 */

const { spawnSync } = require('node:child_process');

function ip(args, { check = true } = {}) {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10000 });
  if (check && r.status !== 0) {
    throw new Error(`ip ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.error}` + (r.error && r.error.code === 'ENOENT' ? ' (iproute2 is not installed)' : ''));
  }
  return r.stdout || '';
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const NAME = /^bcf(\d+)(?:n\d+|br|h\d+)(?:@\S*)?$/;

/** Removes namespaces and links named by this helper whose test process no longer runs. */
function cleanStale() {
  for (const line of ip(['netns', 'list'], { check: false }).split('\n')) {
    const name = line.split(' ')[0];
    const m = NAME.exec(name);
    if (m && !alive(Number(m[1]))) ip(['netns', 'del', name], { check: false });
  }
  for (const line of ip(['-o', 'link', 'show'], { check: false }).split('\n')) {
    const name = (line.split(': ')[1] || '').split('@')[0];
    const m = NAME.exec(name);
    if (m && !alive(Number(m[1]))) ip(['link', 'del', name], { check: false });
  }
}

/** A 10.250.X.0/24 that no interface of this machine uses yet (two runs at once must not share one). */
function freeSubnet() {
  const used = ip(['-4', '-o', 'addr', 'show'], { check: false });
  for (let k = 0; k < 250; k++) {
    const x = (process.pid + k) % 250;
    if (!used.includes(` 10.250.${x}.`)) return `10.250.${x}`;
  }
  throw new Error('no free 10.250.X.0/24 for the test network');
}

class NetnsTopology {
  constructor({ size = 3 } = {}) {
    this.size = size;
    this.prefix = `bcf${process.pid}`;
    this.bridge = `${this.prefix}br`;
    this.subnet = null;
    this.ready = false;
  }

  ns(i) {
    return `${this.prefix}n${i}`;
  }

  hostLink(i) {
    return `${this.prefix}h${i}`;
  }

  hostOf(i) {
    return `${this.subnet}.${11 + i}`;
  }

  /** Command prefix that runs a program inside node i's namespace. */
  wrap(i) {
    return ['ip', 'netns', 'exec', this.ns(i)];
  }

  setUp() {
    cleanStale();
    this.tearDown();
    this.subnet = freeSubnet();
    try {
      ip(['link', 'add', this.bridge, 'type', 'bridge']);
      ip(['addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge]);
      ip(['link', 'set', this.bridge, 'up']);
      for (let i = 0; i < this.size; i++) {
        const peer = `${this.prefix}p${i}`;
        ip(['netns', 'add', this.ns(i)]);
        ip(['link', 'add', this.hostLink(i), 'type', 'veth', 'peer', 'name', peer]);
        ip(['link', 'set', peer, 'netns', this.ns(i)]);
        ip(['link', 'set', this.hostLink(i), 'master', this.bridge]);
        ip(['link', 'set', this.hostLink(i), 'up']);
        ip(['-n', this.ns(i), 'addr', 'add', `${this.hostOf(i)}/24`, 'dev', peer]);
        ip(['-n', this.ns(i), 'link', 'set', peer, 'up']);
        ip(['-n', this.ns(i), 'link', 'set', 'lo', 'up']);
      }
    } catch (err) {
      this.tearDown();
      err.message = `cannot build the test network (network namespaces, veth and a bridge need root and iproute2): ${err.message}`;
      throw err;
    }
    this.ready = true;
  }

  /** Node i loses its link: to the other nodes, to nginx and to every client at once. */
  cut(i) {
    ip(['link', 'set', this.hostLink(i), 'down']);
  }

  heal(i) {
    ip(['link', 'set', this.hostLink(i), 'up']);
  }

  /** GET `url` from inside node i's namespace (what the node's own host sees while cut off): { status, body }. */
  getInside(i, url) {
    const script = `require('http').get(process.argv[1], { timeout: 3000 }, (r) => { let b = ''; r.on('data', (c) => (b += c)); r.on('end', () => console.log(JSON.stringify({ status: r.statusCode, body: b }))); }).on('error', (e) => console.log(JSON.stringify({ status: 0, body: e.message })));`;
    const r = spawnSync('ip', ['netns', 'exec', this.ns(i), process.execPath, '-e', script, url], { encoding: 'utf8', timeout: 10000 });
    try {
      return JSON.parse(r.stdout.trim().split('\n').pop());
    } catch (_) {
      return { status: 0, body: `${r.stdout}${r.stderr}` };
    }
  }

  /** Synchronous, so it can run from a process 'exit' handler too; removes only this run's names. */
  tearDown() {
    for (let i = 0; i < this.size; i++) {
      ip(['link', 'del', this.hostLink(i)], { check: false });
      ip(['netns', 'del', this.ns(i)], { check: false });
    }
    ip(['link', 'del', this.bridge], { check: false });
    this.ready = false;
  }
}

module.exports = { NetnsTopology, cleanStale };
