'use strict';
// Helpers shared by the dashboard's scripts (dashboard*.js): DOM building, formatting, requests and the uPlot chart factory.
// Server data reaches the DOM only through textContent and setAttribute, never innerHTML.
window.BroadcasterDashboard = (() => {
  const $ = (id) => document.getElementById(id);
  const DASH = '\u2014';

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value == null) continue;
      if (name === 'class') node.className = value;
      else if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  // replaceChildren would turn a null into the text "null".
  const fill = (node, ...children) => node.replaceChildren(...children.filter((c) => c != null));

  // Tone comes from our own fixed set, never from server data.
  const badge = (text, tone) => el('span', { class: `badge badge-${tone}`, text });

  const fmtCount = (n) => (n == null ? DASH : String(n));
  const fmtRate = (r) => (r == null ? DASH : r >= 100 ? r.toFixed(0) : r.toFixed(1));
  const pad = (n, w = 2) => String(n).padStart(w, '0');

  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // Time-axis labels of our own (uPlot's put a wrong date under the first tick of an empty chart): hours and minutes,
  // with the day in front where the ticks span more than one day.
  function timeAxisValues(u, splits) {
    const span = splits.length > 1 ? splits[splits.length - 1] - splits[0] : 0;
    return splits.map((s) => {
      const d = new Date(s * 1000);
      const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
      return span >= 86400 ? `${MONTHS[d.getMonth()]} ${d.getDate()}\n${hm}` : hm;
    });
  }

  function fmtTime(ms, withMillis) {
    if (ms == null) return DASH;
    const d = new Date(ms);
    const hms = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return withMillis ? `${hms}.${pad(d.getMilliseconds(), 3)}` : hms;
  }

  function fmtCompact(v) {
    if (v == null) return '';
    const a = Math.abs(v);
    if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
    if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
    if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
    return String(+v.toFixed(2));
  }

  function fmtDuration(ms) {
    if (ms >= 86_400_000 && ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
    if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
    if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
    return `${Math.round(ms / 1000)} s`;
  }

  // Missing nodes report null counts; a total is null only when nobody answered.
  function sumOf(items, key) {
    let total = null;
    for (const item of items) if (item && item[key] != null) total = (total ?? 0) + item[key];
    return total;
  }

  function parseJson(text) {
    try { return JSON.parse(text); } catch { return null; }
  }

  async function request(url, options = {}) {
    const init = { credentials: 'same-origin', cache: 'no-store', ...options };
    if (init.body !== undefined) init.headers = { 'Content-Type': 'application/json', ...init.headers };
    const res = await fetch(url, init);
    const text = await res.text();
    return { status: res.status, ok: res.ok, body: text ? parseJson(text) : null, text, statusText: res.statusText };
  }

  const errorText = (res) => (res.body && res.body.error) || res.text || res.statusText || 'Request failed';

  // Keyed update keeps rows and cards stable between the once-a-second overviews,
  // so text selection, focus and open details survive a refresh.
  function reconcile(parent, items, keyOf, create, update) {
    const old = new Map();
    for (const child of parent.children) old.set(child._key, child);
    let prev = null;
    for (const item of items) {
      const key = keyOf(item);
      let node = old.get(key);
      if (node) old.delete(key);
      else { node = create(item); node._key = key; }
      update(node, item);
      const expected = prev ? prev.nextSibling : parent.firstChild;
      if (node !== expected) parent.insertBefore(node, expected);
      prev = node;
    }
    for (const stale of old.values()) stale.remove();
  }

  // Replaces a select's options by [value, text] pairs (an "all" option first when allLabel is given) unless they are
  // the same, keeping the chosen value while it is still there; true when the chosen value changed.
  function syncOptions(select, pairs, allLabel) {
    const wanted = (allLabel ? [['', allLabel]] : []).concat(pairs);
    const current = [...select.options].map((o) => [o.value, o.textContent]);
    if (JSON.stringify(wanted) === JSON.stringify(current)) return false;
    const previous = select.value;
    select.replaceChildren(...wanted.map(([value, text]) => el('option', { value, text })));
    if (wanted.some(([value]) => value === previous)) select.value = previous;
    return select.value !== previous;
  }

  const syncAppOptions = (select, apps, allLabel) =>
    syncOptions(select, apps.map((a) => [a.id, a.name && a.name !== a.id ? `${a.name} (${a.id})` : a.id]), allLabel);

  const CHART_HEIGHT = 200;

  // Rates and counts are never negative; starting at 0 keeps a flat line from floating mid-chart.
  const zeroBasedRange = (u, min, max) => [0, max == null || max <= 0 ? 1 : max * 1.1];

  // series: uPlot series options plus `format` for the legend value.
  // extra: { x: x-scale options, cursor: cursor options }.
  function makeChart(container, series, extra = {}) {
    const axisStyle = { stroke: '#5b6675', grid: { stroke: '#e6e9ef', width: 1 }, ticks: { stroke: '#e6e9ef', width: 1 } };
    const opts = {
      width: Math.max(container.clientWidth, 200),
      height: CHART_HEIGHT,
      cursor: { drag: { x: false, y: false }, ...(extra.cursor || {}) },
      scales: { x: { time: true, ...(extra.x || {}) }, y: { range: zeroBasedRange } },
      // Wider tick spacing than uPlot's default keeps time labels from crowding on small charts.
      axes: [{ ...axisStyle, space: 70, values: timeAxisValues }, { ...axisStyle, size: 48, values: (u, splits) => splits.map(fmtCompact) }],
      series: [{}, ...series.map(({ format = fmtCompact, ...s }) => ({
        width: 2, points: { show: false }, value: (u, v) => (v == null ? DASH : format(v)), ...s,
      }))],
    };
    const chart = new uPlot(opts, [[], ...series.map(() => [])], container);
    new ResizeObserver(() => fitChart(chart, container)).observe(container);
    return chart;
  }

  function fitChart(chart, container) {
    const width = container.clientWidth;
    if (width > 0 && width !== chart.width) chart.setSize({ width, height: chart.height });
  }

  return {
    $, DASH, el, fill, badge, fmtCount, fmtRate, fmtTime, fmtCompact, fmtDuration, sumOf,
    parseJson, request, errorText, reconcile, syncOptions, syncAppOptions, makeChart, fitChart,
  };
})();
