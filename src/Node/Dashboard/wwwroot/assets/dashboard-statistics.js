'use strict';
// Statistics: the recorded intervals of one app over a chosen range (api/statistics), for the whole cluster or one
// node, drawn as two stepped uPlot charts under a line of the range's totals, and refreshed every minute. Adds to
// window.BroadcasterDashboard: ensureStatsCharts, startStats, stopStats, refreshStats. Calls into other files go
// through the namespace at call time (D.knownApps, D.sessionEnded).
(() => {
  const D = window.BroadcasterDashboard;
  const { $, DASH, fmtCount, fmtDuration, request, errorText, makeChart, fitChart, syncOptions, COLORS } = D;

  const STATS_REFRESH_MS = 60_000;

  const charts = { statsConnections: null, statsMessages: null };
  let statsWindow = null;
  // The last answer: choosing another node redraws it without asking again.
  let lastBody = null;

  function ensureStatsCharts() {
    if (charts.statsConnections) return;
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
    if (!app) return renderStatsMessage(D.knownApps().length ? '' : 'No apps configured.');
    let res;
    try {
      res = await request(`api/statistics?app=${encodeURIComponent(app)}&hours=${encodeURIComponent(hours)}`);
    } catch {
      if (seq === statsSeq) renderStatsMessage('Could not load statistics.');
      return;
    }
    if (seq !== statsSeq) return; // a newer selection already asked
    if (res.status === 401) return D.sessionEnded();
    if (!res.ok || !res.body) return renderStatsMessage(`${errorText(res)} (HTTP ${res.status})`);
    renderStats(res.body);
  }

  function renderStatsMessage(text) {
    lastBody = null;
    const counter = $('stats-points');
    counter.textContent = DASH;
    counter.removeAttribute('data-points');
    $('stats-empty').textContent = text || 'No statistics recorded in this range yet.';
    $('stats-empty').hidden = false;
    $('stats-plots').hidden = true;
  }

  function renderSummary(points) {
    const total = (f) => points.reduce((acc, p) => acc + (p[f] || 0), 0);
    const peak = points.reduce((acc, p) => Math.max(acc, p.peak_connections || 0), 0);
    const figures = { peak, in: total('websocket_messages_in'), out: total('websocket_messages_out'), api: total('api_messages') };
    const big = (n) => n.toLocaleString('en-US');
    const summary = $('stats-summary');
    summary.textContent = `In this range: peak ${big(figures.peak)} connections, ${big(figures.in)} WebSocket messages in, ` +
      `${big(figures.out)} out, ${big(figures.api)} API messages`;
    Object.assign(summary.dataset, { peak: figures.peak, wsIn: figures.in, wsOut: figures.out, api: figures.api });
  }

  function renderStats(body) {
    lastBody = body;
    const nodes = body.nodes && typeof body.nodes === 'object' ? body.nodes : {};
    // The node choice lists the answer's nodes, keeping the chosen one while it is there.
    const ids = Object.keys(nodes).sort();
    syncOptions($('stats-node'), ids.map((id) => [id, id]), 'All nodes');
    const node = $('stats-node').value;
    const series = node ? nodes[node] : body.points;
    const points = Array.isArray(series) ? series : [];
    const counter = $('stats-points');
    const step = body.bucket_ms || body.interval_ms || 60_000;
    counter.textContent = `${points.length} ${points.length === 1 ? 'interval' : 'intervals'} of ${fmtDuration(step)}`;
    counter.dataset.points = String(points.length);
    $('stats-empty').textContent = 'No statistics recorded in this range yet.';
    $('stats-empty').hidden = points.length > 0;
    $('stats-plots').hidden = points.length === 0;
    if (!points.length) return;
    renderSummary(points);

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

  $('stats-app').addEventListener('change', refreshStats);
  $('stats-range').addEventListener('change', refreshStats);
  $('stats-node').addEventListener('change', () => {
    if (lastBody) renderStats(lastBody);
  });

  Object.assign(D, { ensureStatsCharts, startStats, stopStats, refreshStats });
})();
