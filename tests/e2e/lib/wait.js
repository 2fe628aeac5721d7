'use strict';

/**
 * Bounded waiting helpers. Nothing in the suite sleeps and hopes: every wait
 * has a predicate (or an event) and a hard timeout that produces a readable
 * error message.
 */

const DEFAULT_TIMEOUT = 5000;

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, which is
 * then returned. Exceptions thrown by the predicate are remembered and treated
 * as "not yet"; the last one is reported on timeout.
 */
async function waitFor(predicate, timeoutMs = DEFAULT_TIMEOUT, description = 'condition') {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const suffix = lastError ? ` (last error: ${lastError && lastError.message ? lastError.message : lastError})` : '';
      const what = typeof description === 'function' ? description() : description;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${suffix}`);
    }
    await delay(15);
  }
}

/**
 * Resolves with { data, meta } the first time `eventName` is emitted on a
 * pusher-js style bindable (channel, connection, pusher instance).
 */
function waitForEvent(bindable, eventName, timeoutMs = DEFAULT_TIMEOUT, description) {
  return new Promise((resolve, reject) => {
    const handler = (data, meta) => {
      clearTimeout(timer);
      bindable.unbind(eventName, handler);
      resolve({ data, meta });
    };
    const timer = setTimeout(() => {
      bindable.unbind(eventName, handler);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for event '${eventName}'${description ? ' (' + description + ')' : ''}`));
    }, timeoutMs);
    bindable.bind(eventName, handler);
  });
}

/**
 * Records every emission of the given events on a bindable, so tests can
 * assert both presence (waitFor count) and absence (after a barrier).
 */
class Recorder {
  constructor() {
    this.events = [];
  }

  record(bindable, eventName, label = eventName) {
    bindable.bind(eventName, (data, meta) => {
      this.events.push({ event: label, data, meta, at: Date.now() });
    });
    return this;
  }

  /** Plain callback usable with Echo listen()/here()/joining()... */
  callback(label) {
    return (data, meta) => {
      this.events.push({ event: label, data, meta, at: Date.now() });
    };
  }

  of(label) {
    return this.events.filter((e) => e.event === label);
  }

  count(label) {
    return this.of(label).length;
  }

  async waitForCount(label, n, timeoutMs = DEFAULT_TIMEOUT) {
    await waitFor(() => this.count(label) >= n, timeoutMs, () => `${n} x '${label}' (have ${this.count(label)}: ${JSON.stringify(this.of(label).map((e) => e.data))})`);
    return this.of(label);
  }
}

module.exports = { waitFor, waitForEvent, Recorder, delay, DEFAULT_TIMEOUT };
