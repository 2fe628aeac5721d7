'use strict';
// Broadcaster dashboard. Everything from the server goes into the DOM through textContent or
// setAttribute, never through innerHTML, so app ids, channel names and event texts cannot inject markup.
(() => {
  const {
    $, DASH, el, fill, badge, fmtCount, fmtRate, fmtTime, fmtDuration, sumOf,
    parseJson, request, errorText, reconcile, syncAppOptions, makeChart, fitChart,
  } = window.BroadcasterDashboard;

  const LOG_MAX = 500;
  const LIVE_POINTS = 300;
  const LIVE_WINDOW_S = 300;
  const STATS_REFRESH_MS = 60_000;
  const COLORS = { in: '#2563eb', out: '#0d9488', api: '#d97706', conn: '#7c3aed' };

  function showBanner(text) {
    const banner = $('banner');
    banner.textContent = text || '';
    banner.hidden = !text;
  }

  // ---------------------------------------------------------------- charts (uPlot)

  const charts = { rates: null, connections: null, statsConnections: null, statsMessages: null };
  const live = { x: [], in: [], out: [], api: [], conn: [] };
  let statsWindow = null;

  function ensureCharts() {
    if (charts.rates) return;
    const liveX = { range: (u, min, max) => {
      const end = max ?? Date.now() / 1000;
      return [end - LIVE_WINDOW_S, end];
    } };
    charts.rates = makeChart($('live-rates-chart'), [
      { label: 'WS in/s', stroke: COLORS.in, format: fmtRate },
      { label: 'WS out/s', stroke: COLORS.out, format: fmtRate },
      { label: 'API/s', stroke: COLORS.api, format: fmtRate },
    ], { x: liveX });
    charts.connections = makeChart($('live-connections-chart'), [
      { label: 'Connections', stroke: COLORS.conn, fill: 'rgba(124, 58, 237, 0.12)', format: fmtCount },
    ], { x: liveX });

    // A bucket's value holds from its start to the next bucket, hence steps rather than slopes.
    const stepped = uPlot.paths.stepped({ align: 1 });
    // A step needs a next bucket to draw to: with few buckets (a new install, a short range) each one is also a dot.
    const sparse = { show: (u) => u.data[0].length < 60, size: 6 };
    const statsX = { range: (u, min, max) => (statsWindow ? statsWindow : [min, max]) };
    const sync = { sync: { key: 'stats' } };
    charts.statsConnections = makeChart($('stats-connections-chart'), [
      { label: 'Peak connections', stroke: COLORS.conn, fill: 'rgba(124, 58, 237, 0.12)', paths: stepped, points: sparse, format: fmtCount },
    ], { x: statsX, cursor: sync });
    charts.statsMessages = makeChart($('stats-messages-chart'), [
      { label: 'WS in', stroke: COLORS.in, paths: stepped, points: sparse },
      { label: 'WS out', stroke: COLORS.out, paths: stepped, points: sparse },
      { label: 'API', stroke: COLORS.api, paths: stepped, points: sparse },
    ], { x: statsX, cursor: sync });
  }

  function pushLivePoint(overview) {
    const t = (overview.time ?? Date.now()) / 1000;
    const last = live.x[live.x.length - 1];
    if (last != null && t <= last) {
      // Same sample twice (first fetch + first event) is skipped; a clock jump back restarts the window.
      if (last - t < 10) return;
      for (const key of Object.keys(live)) live[key].length = 0;
    }
    const nodes = overview.nodes || [];
    live.x.push(t);
    live.in.push(sumOf(nodes, 'ws_in_rate'));
    live.out.push(sumOf(nodes, 'ws_out_rate'));
    live.api.push(sumOf(nodes, 'api_rate'));
    live.conn.push(sumOf(nodes, 'connections'));
    while (live.x.length > LIVE_POINTS || live.x[0] < t - LIVE_WINDOW_S) {
      for (const key of Object.keys(live)) live[key].shift();
    }
    if (charts.rates) {
      charts.rates.setData([live.x, live.in, live.out, live.api]);
      charts.connections.setData([live.x, live.conn]);
    }
  }

  // ---------------------------------------------------------------- overview: cluster and apps

  let lastApps = [];

  function renderOverview(o) {
    if (!o || typeof o !== 'object') return;
    const nodes = Array.isArray(o.nodes) ? o.nodes : [];
    const apps = Array.isArray(o.apps) ? o.apps : [];
    const missing = new Set(Array.isArray(o.missing) ? o.missing : []);
    $('self').textContent = o.self ?? DASH;
    const updated = $('last-update');
    updated.textContent = fmtTime(o.time);
    if (o.time != null) updated.setAttribute('datetime', new Date(o.time).toISOString());
    renderCluster(nodes, missing);
    renderApps(apps, nodes);
    syncSelects(apps);
    pushLivePoint({ ...o, nodes });
  }

  function renderCluster(nodes, missing) {
    $('node-count').textContent = String(nodes.length);
    $('connections-total').textContent = String(sumOf(nodes, 'connections') ?? 0);
    $('cluster-in').textContent = fmtRate(sumOf(nodes, 'ws_in_rate'));
    $('cluster-out').textContent = fmtRate(sumOf(nodes, 'ws_out_rate'));
    $('cluster-api').textContent = fmtRate(sumOf(nodes, 'api_rate'));
    reconcile($('nodes-body'), nodes, (n) => n.id, createNodeRow, (tr, n) => updateNodeRow(tr, n, missing));
  }

  function createNodeRow(n) {
    const tr = el('tr', { 'data-node': n.id });
    const cells = ['node-id', 'node-status', 'node-connections', 'node-channels', 'node-ws-in', 'node-ws-out', 'node-api'];
    cells.forEach((testid, i) => tr.append(el('td', { 'data-testid': testid, class: i >= 2 ? 'num' : null })));
    return tr;
  }

  function updateNodeRow(tr, n, missing) {
    const [id, status, conns, channels, wsIn, wsOut, api] = tr.cells;
    tr.classList.toggle('is-self', !!n.self);
    tr.classList.toggle('is-down', n.reachable === false);
    fill(id, el('code', { text: n.id }), n.self ? badge('this node', 'self') : null);
    fill(status,
      badge(n.status ?? 'Unknown', statusTone(n.status)),
      n.reachable === false ? badge('unreachable', 'bad') : null,
      n.reachable !== false && missing.has(n.id) ? badge('no answer', 'warn') : null);
    conns.textContent = fmtCount(n.connections);
    channels.textContent = fmtCount(n.channels);
    wsIn.textContent = fmtRate(n.ws_in_rate);
    wsOut.textContent = fmtRate(n.ws_out_rate);
    api.textContent = fmtRate(n.api_rate);
  }

  function statusTone(status) {
    if (status === 'Up') return 'ok';
    if (status === 'Down' || status === 'Removed') return 'bad';
    return 'warn';
  }

  function renderApps(apps, nodes) {
    lastApps = apps;
    $('apps-empty').hidden = apps.length > 0;
    reconcile($('apps'), apps, (a) => a.id, createAppCard, (card, a) => updateAppCard(card, a, nodes));
  }

  function createAppCard(app) {
    const r = {};
    const stat = (label, testid) => {
      r[testid] = el('dd', { 'data-testid': testid });
      return el('div', { class: 'stat' }, el('dt', { text: label }), r[testid]);
    };
    r.name = el('h3', { 'data-testid': 'app-name' });
    r.id = el('code', { 'data-testid': 'app-id' });
    r.key = el('code', { 'data-testid': 'app-key' });
    r.presence = el('tbody');
    r.presenceTable = el('table', { class: 'data compact', 'data-testid': 'presence' },
      el('thead', null, el('tr', null, el('th', { text: 'Channel' }), el('th', { class: 'num', text: 'Members' }))),
      r.presence);
    r.presenceEmpty = el('p', { class: 'muted', text: 'No presence channels.' });
    r.nodes = el('tbody');
    const head = ['Node', 'Conn.', 'Chan.', 'In/s', 'Out/s', 'API/s']
      .map((t, i) => el('th', { class: i ? 'num' : null, text: t }));
    const card = el('article', { class: 'app-card', 'data-testid': 'app-card', 'data-app': app.id },
      el('header', { class: 'app-head' }, r.name,
        el('div', { class: 'app-ids' }, el('span', null, 'id ', r.id), el('span', null, 'key ', r.key))),
      el('dl', { class: 'stats' },
        stat('Connections', 'app-connections'), stat('Channels', 'app-channels'),
        stat('WS in/s', 'app-ws-in'), stat('WS out/s', 'app-ws-out'), stat('API/s', 'app-api')),
      el('h4', { text: 'Presence channels' }), r.presenceEmpty,
      el('div', { class: 'table-scroll' }, r.presenceTable),
      el('h4', { text: 'Per node' }),
      el('div', { class: 'table-scroll' },
        el('table', { class: 'data compact', 'data-testid': 'app-nodes' }, el('thead', null, el('tr', null, ...head)), r.nodes)));
    card._refs = r;
    return card;
  }

  function updateAppCard(card, app, nodes) {
    const r = card._refs;
    r.name.textContent = app.name || app.id;
    r.id.textContent = app.id;
    r.key.textContent = app.key ?? DASH;
    r['app-connections'].textContent = fmtCount(app.connections);
    r['app-channels'].textContent = fmtCount(app.channels);
    r['app-ws-in'].textContent = fmtRate(app.ws_in_rate);
    r['app-ws-out'].textContent = fmtRate(app.ws_out_rate);
    r['app-api'].textContent = fmtRate(app.api_rate);

    const presence = Array.isArray(app.presence) ? app.presence : [];
    r.presenceEmpty.hidden = presence.length > 0;
    r.presenceTable.hidden = presence.length === 0;
    reconcile(r.presence, presence, (p) => p.channel,
      (p) => el('tr', { 'data-channel': p.channel },
        el('td', { 'data-testid': 'presence-channel' }, el('code', { text: p.channel })),
        el('td', { class: 'num', 'data-testid': 'presence-members' })),
      (tr, p) => { tr.cells[1].textContent = fmtCount(p.members); });

    reconcile(r.nodes, nodes, (n) => n.id,
      (n) => el('tr', { 'data-node': n.id }, el('td', null, el('code', { text: n.id })),
        ...[1, 2, 3, 4, 5].map(() => el('td', { class: 'num' }))),
      (tr, n) => {
        // A node that answered but lists no entry for the app simply has nothing of it.
        const answered = n.connections != null;
        const a = (n.apps && n.apps[app.id]) || (answered ? { connections: 0, channels: 0, ws_in_rate: 0, ws_out_rate: 0, api_rate: 0 } : {});
        const c = tr.cells;
        c[1].textContent = fmtCount(a.connections);
        c[2].textContent = fmtCount(a.channels);
        c[3].textContent = fmtRate(a.ws_in_rate);
        c[4].textContent = fmtRate(a.ws_out_rate);
        c[5].textContent = fmtRate(a.api_rate);
      });
  }

  function syncSelects(apps) {
    syncAppOptions($('event-form').elements.app, apps);
    syncAppOptions($('log-app'), apps, 'All apps');
    const statsSelect = $('stats-app');
    const hadValue = statsSelect.value !== '';
    if (syncAppOptions(statsSelect, apps) || (!hadValue && statsSelect.value)) refreshStats();
  }

  // ---------------------------------------------------------------- statistics

  let statsSeq = 0;
  let statsTimer = null;

  // On a first sign-in the app list is still empty; the first overview fills it and asks then.
  function startStats() {
    stopStats();
    if ($('stats-app').value) refreshStats();
    statsTimer = setInterval(refreshStats, STATS_REFRESH_MS);
  }

  function stopStats() {
    clearInterval(statsTimer);
    statsTimer = null;
    statsSeq++;
  }

  async function refreshStats() {
    const app = $('stats-app').value;
    const hours = $('stats-range').value;
    const seq = ++statsSeq;
    if (!app) return renderStatsMessage(lastApps.length ? '' : 'No apps configured.');
    let res;
    try {
      res = await request(`api/statistics?app=${encodeURIComponent(app)}&hours=${encodeURIComponent(hours)}`);
    } catch {
      if (seq === statsSeq) renderStatsMessage('Could not load statistics.');
      return;
    }
    if (seq !== statsSeq) return; // a newer selection already asked
    if (res.status === 401) return sessionEnded();
    if (!res.ok || !res.body) return renderStatsMessage(`${errorText(res)} (HTTP ${res.status})`);
    renderStats(res.body);
  }

  function renderStatsMessage(text) {
    const counter = $('stats-points');
    counter.textContent = DASH;
    counter.removeAttribute('data-points');
    $('stats-empty').textContent = text || 'No statistics recorded in this range yet.';
    $('stats-empty').hidden = false;
    $('stats-plots').hidden = true;
  }

  function renderStats(body) {
    const points = Array.isArray(body.points) ? body.points : [];
    const counter = $('stats-points');
    const step = body.bucket_ms || body.interval_ms || 60_000;
    counter.textContent = `${points.length} ${points.length === 1 ? 'interval' : 'intervals'} of ${fmtDuration(step)}`;
    counter.dataset.points = String(points.length);
    $('stats-empty').textContent = 'No statistics recorded in this range yet.';
    $('stats-empty').hidden = points.length > 0;
    $('stats-plots').hidden = points.length === 0;
    if (!points.length) return;

    const x = [], conn = [], wsIn = [], wsOut = [], api = [];
    const add = (t, p) => {
      x.push(t / 1000);
      conn.push(p ? p.peak_connections : 0);
      wsIn.push(p ? p.websocket_messages_in : 0);
      wsOut.push(p ? p.websocket_messages_out : 0);
      api.push(p ? p.api_messages : 0);
    };
    let prev = null;
    for (const p of points) {
      // No row for a bucket means no connections and no messages in it, so the line drops to zero there.
      if (prev != null && p.t - prev > step * 1.5) {
        add(prev + step, null);
        if (p.t - step > prev + step) add(p.t - step, null);
      }
      add(p.t, p);
      prev = p.t;
    }
    statsWindow = body.from != null && body.to != null ? [body.from / 1000, body.to / 1000] : null;
    // The plots were hidden until now, so they may have missed container resizes.
    fitChart(charts.statsConnections, $('stats-connections-chart'));
    fitChart(charts.statsMessages, $('stats-messages-chart'));
    charts.statsConnections.setData([x, conn]);
    charts.statsMessages.setData([x, wsIn, wsOut, api]);
  }

  // ---------------------------------------------------------------- live log

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

  // ---------------------------------------------------------------- test event

  async function sendEvent(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const f = form.elements;
    const result = $('event-result');
    const button = form.querySelector('button[type="submit"]');
    const body = {
      app: f.app.value,
      channel: f.channel.value.trim(),
      event: f.event.value.trim(),
      data: f.data.value,
      socket_id: f.socket_id.value.trim() || null,
    };
    result.className = '';
    result.textContent = 'Sending\u2026';
    button.disabled = true;
    try {
      const res = await request('api/event', { method: 'POST', body: JSON.stringify(body) });
      result.className = res.status === 200 ? 'ok' : 'error';
      result.textContent = res.status === 200 ? 'Sent' : `${errorText(res)} (HTTP ${res.status})`;
      if (res.status === 401) sessionEnded();
    } catch {
      result.className = 'error';
      result.textContent = 'Could not reach the node';
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- live stream

  let source = null;
  let checkingLive = false;

  function setLiveStatus(state) {
    const badgeEl = document.querySelector('[data-testid="live-status"]');
    badgeEl.dataset.state = state;
    badgeEl.textContent = state;
  }

  function startLive() {
    stopLive();
    const es = new EventSource('api/live');
    source = es;
    setLiveStatus('connecting');
    es.addEventListener('open', () => { if (source === es) setLiveStatus('live'); });
    es.addEventListener('overview', (e) => { if (source === es) renderOverview(parseJson(e.data)); });
    es.addEventListener('log', (e) => { if (source === es) receiveLog(parseJson(e.data)); });
    es.addEventListener('error', () => onLiveError(es));
  }

  function stopLive() {
    if (source) source.close();
    source = null;
  }

  // EventSource hides the status of a failed request, so ask api/overview whether the session is gone.
  async function onLiveError(es) {
    if (source !== es || checkingLive) return;
    setLiveStatus('reconnecting');
    checkingLive = true;
    try {
      const res = await request('api/overview');
      if (source !== es) return;
      if (res.status === 401) return sessionEnded();
      if (res.ok) renderOverview(res.body);
    } catch {
      // The node is unreachable; EventSource keeps retrying on its own.
    } finally {
      checkingLive = false;
    }
    // After a non-200 answer EventSource gives up for good, so reconnect ourselves.
    if (source === es && es.readyState === EventSource.CLOSED) {
      setTimeout(() => { if (source === es) startLive(); }, 3000);
    }
  }

  // ---------------------------------------------------------------- sign-in and views

  let startRetry = null;

  async function start(afterLogin = false) {
    clearTimeout(startRetry);
    let res;
    try {
      res = await request('api/overview');
    } catch {
      return retryStart('Cannot reach the node, retrying\u2026');
    }
    // Right after a 204 from login a 401 means the browser dropped the cookie (a Secure cookie over plain http, say).
    if (res.status === 401) return showLogin(afterLogin ? 'Signed in, but the browser did not keep the session cookie.' : '');
    if (!res.ok) return retryStart(`${errorText(res)} (HTTP ${res.status}), retrying\u2026`);
    showBanner('');
    showDashboard(res.body);
  }

  function retryStart(message) {
    showBanner(message);
    startRetry = setTimeout(start, 5000);
  }

  function showLogin(message) {
    stopLive();
    stopStats();
    $('dashboard-view').hidden = true;
    $('topbar-info').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
    const password = $('login-password');
    password.value = '';
    password.focus();
  }

  function sessionEnded() {
    showLogin('Your session has ended, please sign in again.');
  }

  function showDashboard(overview) {
    $('login-view').hidden = true;
    $('dashboard-view').hidden = false;
    $('topbar-info').hidden = false;
    // Charts are sized from their containers, which only have a width once visible.
    ensureCharts();
    startStats();
    renderOverview(overview);
    renderLogStatus();
    startLive();
  }

  async function signIn(ev) {
    ev.preventDefault();
    const form = ev.currentTarget;
    const error = $('login-error');
    const button = form.querySelector('button[type="submit"]');
    error.textContent = '';
    button.disabled = true;
    try {
      const res = await request('login', { method: 'POST', body: JSON.stringify({ password: form.elements.password.value }) });
      if (res.ok) return await start(true);
      error.textContent = res.status === 401 ? 'Wrong password'
        : res.status === 429 ? 'Too many attempts, try again later'
        : `Sign-in failed: ${errorText(res)} (HTTP ${res.status})`;
    } catch {
      error.textContent = 'Could not reach the node';
    } finally {
      button.disabled = false;
    }
  }

  async function signOut() {
    try { await request('logout', { method: 'POST' }); } catch { /* signed out locally either way */ }
    showLogin();
  }

  // ---------------------------------------------------------------- wiring

  $('login-form').addEventListener('submit', signIn);
  $('logout').addEventListener('click', signOut);
  $('event-form').addEventListener('submit', sendEvent);
  $('stats-app').addEventListener('change', refreshStats);
  $('stats-range').addEventListener('change', refreshStats);
  $('log-pause').addEventListener('click', togglePause);
  $('log-clear').addEventListener('click', clearLog);
  $('log-app').addEventListener('change', rerenderLog);
  $('log-channel').addEventListener('input', rerenderLog);
  $('log-event').addEventListener('input', rerenderLog);

  start();
})();
