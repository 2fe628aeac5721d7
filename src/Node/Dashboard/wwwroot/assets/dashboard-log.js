'use strict';
// The live log: batches from api/live, newest first, at most LOG_MAX entries, with pause, filters and clear.
// Adds to window.BroadcasterDashboard: receiveLog, renderLogStatus.
(() => {
  const D = window.BroadcasterDashboard;
  const { $, el, fmtTime } = D;

  const LOG_MAX = 500;

  const log = { entries: [], pending: [], pendingCount: 0, paused: false, dropped: 0 };

  function receiveLog(batch) {
    if (!batch) return;
    if (batch.dropped > 0) {
      log.dropped += batch.dropped;
      renderLogStatus();
    }
    const entries = Array.isArray(batch.entries) ? batch.entries : [];
    if (!entries.length) return;
    if (log.paused) {
      log.pending.push(...entries);
      log.pendingCount += entries.length;
      if (log.pending.length > LOG_MAX) log.pending.splice(0, log.pending.length - LOG_MAX);
      renderLogStatus();
      return;
    }
    addLogEntries(entries);
  }

  // Batches arrive oldest first; the list shows newest first.
  function addLogEntries(entries) {
    for (const e of entries) log.entries.unshift(e);
    if (log.entries.length > LOG_MAX) log.entries.length = LOG_MAX;
    const filter = logFilter();
    const fragment = document.createDocumentFragment();
    for (let i = entries.length - 1; i >= 0; i--) if (logMatches(entries[i], filter)) fragment.append(logItem(entries[i]));
    const list = $('log');
    list.prepend(fragment);
    while (list.children.length > LOG_MAX) list.lastElementChild.remove();
    renderLogStatus();
  }

  function logFilter() {
    return {
      app: $('log-app').value,
      channel: $('log-channel').value.trim().toLowerCase(),
      event: $('log-event').value.trim().toLowerCase(),
    };
  }

  function logMatches(e, f) {
    if (f.app && e.app !== f.app) return false;
    if (f.channel && !String(e.channel ?? '').toLowerCase().includes(f.channel)) return false;
    if (f.event && !String(e.event ?? '').toLowerCase().includes(f.event)
        && !String(e.kind ?? '').toLowerCase().includes(f.event)) return false;
    return true;
  }

  function logItem(e) {
    const field = (cls, value, title) => el('span', { class: cls, title, text: value == null ? '' : String(value) });
    return el('li', {
      'data-testid': 'log-entry', 'data-kind': e.kind ?? '', 'data-app': e.app ?? '',
      'data-channel': e.channel ?? '', 'data-event': e.event ?? '', 'data-node': e.node ?? '',
    },
    el('time', { class: 'log-time', datetime: e.t != null ? new Date(e.t).toISOString() : null, text: fmtTime(e.t, true) }),
    field('log-node', e.node, 'node'),
    field('log-app', e.app, 'app'),
    field('log-kind', e.kind, 'kind'),
    field('log-socket', e.socket_id, 'socket id'),
    field('log-channel', e.channel, 'channel'),
    field('log-event', e.event, 'event'),
    field('log-text', e.text, e.text == null ? null : String(e.text)));
  }

  function rerenderLog() {
    const filter = logFilter();
    $('log').replaceChildren(...log.entries.filter((e) => logMatches(e, filter)).map(logItem));
    renderLogStatus();
  }

  function renderLogStatus() {
    const pending = $('log-pending');
    pending.hidden = !log.paused;
    pending.textContent = `${log.pendingCount} new ${log.pendingCount === 1 ? 'entry' : 'entries'} while paused`;
    pending.dataset.count = String(log.pendingCount);
    const dropped = $('log-dropped');
    dropped.hidden = log.dropped === 0;
    dropped.textContent = `${log.dropped} ${log.dropped === 1 ? 'entry' : 'entries'} sampled out under load`;
    dropped.dataset.count = String(log.dropped);
    $('log-empty').hidden = $('log').children.length > 0;
    $('log-empty').textContent = log.entries.length ? 'No entries match the filters.' : 'No log entries yet.';
  }

  function togglePause() {
    log.paused = !log.paused;
    const button = $('log-pause');
    button.textContent = log.paused ? 'Resume' : 'Pause';
    button.setAttribute('aria-pressed', String(log.paused));
    if (!log.paused) {
      const held = log.pending;
      log.pending = [];
      log.pendingCount = 0;
      if (held.length) addLogEntries(held);
    }
    renderLogStatus();
  }

  function clearLog() {
    log.entries = [];
    log.pending = [];
    log.pendingCount = 0;
    log.dropped = 0;
    $('log').replaceChildren();
    renderLogStatus();
  }

  $('log-pause').addEventListener('click', togglePause);
  $('log-clear').addEventListener('click', clearLog);
  $('log-app').addEventListener('change', rerenderLog);
  $('log-channel').addEventListener('input', rerenderLog);
  $('log-event').addEventListener('input', rerenderLog);

  Object.assign(D, { receiveLog, renderLogStatus });
})();
