'use strict';
// Live charts (uPlot) of the last five minutes: cluster-wide message rates and connections, one point per overview.
// Adds to window.BroadcasterDashboard: COLORS, ensureLiveCharts, pushLivePoint.
(() => {
  const D = window.BroadcasterDashboard;
  const { $, fmtCount, fmtRate, sumOf, makeChart } = D;

  const LIVE_POINTS = 300;
  const LIVE_WINDOW_S = 300;
  const COLORS = { in: '#2563eb', out: '#0d9488', api: '#d97706', conn: '#7c3aed' };

  const charts = { rates: null, connections: null };
  const live = { x: [], in: [], out: [], api: [], conn: [] };

  function ensureLiveCharts() {
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

  Object.assign(D, { COLORS, ensureLiveCharts, pushLivePoint });
})();
