'use strict';

/**
 * Exact accounting of a steady stream of events through faults.
 *
 *   const stream = new EventStream({ sdk: h.sdk('lb'), channels: [pub, P], ratePerSecond: 25 });
 *   const ledger = new Ledger(stream);
 *   ledger.track('c1', client, [pub, P]);      // before or after the client connects
 *   stream.start();  ...fault...  await stream.stop();
 *   await ledger.settle();                      // bounded: until every required delivery is in
 *   const r = ledger.check();                   // { lost, duplicates, reorders, ... }
 *
 * Every event carries a sequence number and is triggered on every channel of the stream by one API call; one
 * call at a time (a publisher's consecutive requests are what PROTOCOL.md section 3 orders), the next one
 * started no sooner than the rate allows. Each call records when it was sent, when it was answered, its status
 * and which node accepted it (nginx's X-Upstream header, or the SDK's own node).
 *
 * Each tracked client records every delivery and its subscribed intervals (from subscription_succeeded on a
 * channel to the moment its socket closes). An event is *required* on a (client, channel)
 * when it was accepted (200), sent after an interval began and answered at least `edgeMs` before it ended:
 * closer to the end it may still have been in flight towards a node that closed the socket, and is counted
 * apart (received or not) instead of being asserted. Events answered with an error or not answered at all
 * (the request reached a node that died) are *uncertain*: allowed once, never required.
 *
 * Order is checked per accepting node (the architecture promises each node's acceptance order on every
 * connection; two nodes' events have no order between them).
 */

const assert = require('node:assert/strict');

const { waitFor } = require('./wait');

class EventStream {
  /**
   * sdk: official `pusher` client; channels: names every event goes to; ratePerSecond: upper bound;
   * origin(res): node label from the trigger's response (default: nginx's X-Upstream, last hop); maxMs: the stream
   * stops by itself after this long, so a test that fails before stop() does not keep its process alive.
   */
  constructor({ sdk, channels, event = 'seq', ratePerSecond = 25, origin, label = 'stream', maxMs = 150000 }) {
    this.maxMs = maxMs;
    this.sdk = sdk;
    this.channels = channels;
    this.event = event;
    this.intervalMs = 1000 / ratePerSecond;
    this.origin = origin || ((res) => lastUpstream(res.headers.get('x-upstream')));
    this.label = label;
    this.events = []; // { seq, sentAt, ackAt, status, origin, error }
    this.running = false;
    this.loop = null;
  }

  start() {
    if (this.running) throw new Error(`${this.label} already running`);
    this.running = true;
    this.startedAt = Date.now();
    this.loop = this.run();
    return this;
  }

  async run() {
    while (this.running && Date.now() - this.startedAt < this.maxMs) {
      const e = { seq: this.events.length + 1, sentAt: Date.now(), ackAt: null, status: null, origin: null, error: null };
      this.events.push(e);
      try {
        const res = await this.sdk.trigger(this.channels, this.event, { seq: e.seq });
        e.status = res.status;
        e.origin = this.origin(res);
      } catch (err) {
        // The SDK rejects non-2xx answers with the status, and timeouts or resets without one.
        e.status = typeof err.status === 'number' ? err.status : 0;
        e.error = err.message || String(err);
      }
      e.ackAt = Date.now();
      const wait = e.sentAt + this.intervalMs - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  async stop() {
    this.running = false;
    await this.loop;
    this.stoppedAt = Date.now();
  }

  accepted() {
    return this.events.filter((e) => e.status === 200);
  }

  bySeq(seq) {
    return this.events[seq - 1];
  }

  /** Resolves once `n` more events than now have been accepted (bounded). */
  async waitAccepted(n, timeoutMs = 30000) {
    const target = this.accepted().length + n;
    await waitFor(() => this.accepted().length >= target, timeoutMs, () => `${this.label}: ${target} accepted events (have ${this.accepted().length}, last ${JSON.stringify(this.events.slice(-3))})`);
  }

  summary() {
    const accepted = this.accepted();
    const byOrigin = {};
    for (const e of accepted) byOrigin[e.origin] = (byOrigin[e.origin] || 0) + 1;
    const seconds = ((this.stoppedAt || Date.now()) - this.startedAt) / 1000;
    return {
      sent: this.events.length,
      accepted: accepted.length,
      uncertain: this.events.length - accepted.length,
      ratePerSecond: Math.round((this.events.length / seconds) * 10) / 10,
      byOrigin,
      statuses: [...new Set(this.events.filter((e) => e.status !== 200).map((e) => `${e.status} ${e.error || ''}`.trim()))].slice(0, 5),
    };
  }
}

/** nginx's $upstream_addr lists every upstream it tried ("a:1, b:2"): the last one answered. */
function lastUpstream(value) {
  if (!value) return null;
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.length ? parts[parts.length - 1] : null;
}

class Ledger {
  constructor(stream, { edgeMs = 1000 } = {}) {
    this.stream = stream;
    this.edgeMs = edgeMs;
    this.clients = []; // { label, client, channels: Map(name -> { received: [{ seq, at }], intervals: [{ from, to }] }) }
    this.optional = []; // predicates: (event, entry) -> true when the event is not required for that entry
  }

  /** Records `client`'s deliveries of the stream's event on each of `channels` (subscribes if not yet). */
  track(label, client, channels) {
    // Each socket of the client is a generation; an interval belongs to the socket it was subscribed on.
    const entry = { label, client, channels: new Map(), connects: [], generation: 0 };
    const end = (generation) => {
      const now = Date.now();
      for (const state of entry.channels.values()) for (const i of state.intervals) if (i.to === Infinity && (generation === undefined || i.generation === generation)) i.to = now;
    };
    // An interval ends when its socket closes. pusher-js stays 'connected' for a second after an abnormal close (it
    // retries in 1 s), so the socket's own 'closed' is watched as well as the state; a socket that pusher-js gave up
    // on can report its close much later (a cut link), and then ends only its own intervals.
    const watchSocket = () => {
      const generation = ++entry.generation;
      entry.connects.push(Date.now());
      if (client.connection.connection) client.connection.connection.bind('closed', () => end(generation));
    };
    if (client.connection.state === 'connected') watchSocket();
    client.connection.bind('connected', watchSocket);
    client.connection.bind('state_change', ({ previous, current }) => {
      if (previous === 'connected' && current !== 'connected') end();
    });
    for (const name of channels) {
      const state = { received: [], intervals: [] };
      const open = () => state.intervals.push({ from: Date.now(), to: Infinity, generation: entry.generation });
      const channel = client.channel(name) || client.subscribe(name);
      channel.bind(this.stream.event, (data) => state.received.push({ seq: data.seq, at: Date.now() }));
      channel.bind('pusher:subscription_succeeded', open);
      if (channel.subscribed) open();
      entry.channels.set(name, state);
    }
    this.clients.push(entry);
    return entry;
  }

  /**
   * Ends `entry`'s open intervals at `at`: its node was cut off then, and its socket (to a load balancer that
   * cannot reach the node either) stays open until the client's ping times out, with nothing arriving.
   */
  cutOff(entry, at) {
    for (const state of entry.channels.values()) for (const i of state.intervals) if (i.to === Infinity) i.to = at;
  }

  /** Events for which `predicate(event, entry)` is true are not required (e.g. a crashed node's last ones). */
  allow(predicate) {
    this.optional.push(predicate);
  }

  /**
   * Whether `e` is required on (entry, channel state): 'edge' when it falls in an interval's last edgeMs, 'optional'
   * when an allow() predicate excuses it, 'outside' when the entry was not subscribed then.
   */
  classify(e, entry, state) {
    if (e.status !== 200) return 'uncertain';
    let kind = 'outside';
    for (const i of state.intervals) {
      if (e.sentAt < i.from) continue;
      if (e.ackAt <= i.to - this.edgeMs) kind = 'required';
      else if (e.sentAt <= i.to) kind = 'edge';
      if (kind !== 'outside') break;
    }
    if (kind !== 'outside' && this.optional.some((p) => p(e, entry))) return 'optional';
    return kind;
  }

  /** Waits (bounded) until every required delivery has arrived; returns check() either way. */
  async settle(timeoutMs = 10000) {
    try {
      await waitFor(() => this.check().lost === 0, timeoutMs, () => `every required delivery (${JSON.stringify(this.check().lostSample)})`);
    } catch (_) {
      /* check() reports what is missing */
    }
    return this.check();
  }

  check() {
    const r = { clients: this.clients.length, required: 0, delivered: 0, lost: 0, duplicates: 0, unknown: 0, reorders: 0, edge: { received: 0, missed: 0 }, optional: { received: 0, missed: 0 }, uncertainReceived: 0, outsideReceived: 0, lostSample: [], duplicateSample: [], reorderSample: [], outsideSample: [] };
    for (const entry of this.clients) {
      for (const [name, state] of entry.channels) {
        const counts = new Map();
        for (const d of state.received) counts.set(d.seq, (counts.get(d.seq) || 0) + 1);
        r.delivered += state.received.length;
        for (const [seq, n] of counts) {
          if (!this.stream.bySeq(seq)) r.unknown += 1;
          if (n > 1) {
            r.duplicates += n - 1;
            if (r.duplicateSample.length < 5) r.duplicateSample.push(`${entry.label} ${name} seq ${seq} x${n}`);
          }
        }
        for (const e of this.stream.events) {
          const kind = this.classify(e, entry, state);
          const got = counts.has(e.seq);
          if (kind === 'required') {
            r.required += 1;
            if (!got) {
              r.lost += 1;
              if (r.lostSample.length < 8) r.lostSample.push(`${entry.label} ${name} seq ${e.seq} via ${e.origin} sent ${e.sentAt} acked ${e.ackAt}; intervals ${JSON.stringify(state.intervals)}`);
            }
          } else if (kind === 'edge' || kind === 'optional') {
            r[kind][got ? 'received' : 'missed'] += 1;
            // How far before the fault the oldest missed one was answered: the margin the allowance really needs.
            if (!got) r[kind].earliestMissedAck = Math.min(r[kind].earliestMissedAck ?? Infinity, e.ackAt);
          } else if (got) {
            r[kind === 'uncertain' ? 'uncertainReceived' : 'outsideReceived'] += 1;
            if (kind === 'outside' && r.outsideSample.length < 5) r.outsideSample.push(`${entry.label} ${name} seq ${e.seq} sent ${e.sentAt} acked ${e.ackAt}; intervals ${JSON.stringify(state.intervals)}`);
          }
        }
        // Per accepting node, deliveries must come in sequence order.
        const last = new Map();
        for (const d of state.received) {
          const e = this.stream.bySeq(d.seq);
          if (!e || !e.origin) continue;
          if ((last.get(e.origin) || 0) > d.seq) {
            r.reorders += 1;
            if (r.reorderSample.length < 5) r.reorderSample.push(`${entry.label} ${name}: seq ${d.seq} from ${e.origin} after ${last.get(e.origin)}`);
          }
          last.set(e.origin, Math.max(last.get(e.origin) || 0, d.seq));
        }
      }
    }
    return r;
  }
}

/**
 * Reports a settled ledger (`r`, from settle()) and asserts what every fault suite requires of it: nothing lost,
 * duplicated, out of order per accepting node, or never triggered. With `faultAt` (ms), also reports how long
 * before the fault the oldest missed at-most-once event was answered, against the allowance `riskMs`.
 */
function assertExactDelivery(t, r, { faultAt, riskMs } = {}) {
  t.diagnostic(`ledger ${JSON.stringify({ ...r, lostSample: undefined, duplicateSample: undefined, reorderSample: undefined })}`);
  if (faultAt !== undefined && r.optional.missed) {
    t.diagnostic(`the victim's own events missed elsewhere were answered at most ${faultAt - r.optional.earliestMissedAck} ms before the fault (allowance ${riskMs} ms)`);
  }
  assert.equal(r.lost, 0, `lost deliveries: ${r.lostSample.join('\n')}`);
  assert.equal(r.duplicates, 0, `duplicates: ${r.duplicateSample.join('\n')}`);
  assert.equal(r.reorders, 0, `out of order: ${r.reorderSample.join('\n')}`);
  assert.equal(r.unknown, 0, 'deliveries of events never triggered');
}

module.exports = { EventStream, Ledger, lastUpstream, assertExactDelivery };
