'use strict';
// The overview, pushed once a second: the top bar, the cluster tiles and node table, the app cards, and the app
// lists of the selects. Adds to window.BroadcasterDashboard: renderOverview, knownApps.
// Calls into other files go through the namespace at call time (D.refreshStats is defined by dashboard-statistics.js).
(() => {
  const D = window.BroadcasterDashboard;
  const { $, DASH, el, fill, badge, fmtCount, fmtRate, fmtTime, sumOf, reconcile, syncAppOptions } = D;

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
    D.pushLivePoint({ ...o, nodes });
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
      n.reachable !== false && missing.has(n.id) ? badge('no answer', 'warn') : null,
      // A stopping node is Up in the cluster until it leaves: it says that it is draining (or not yet serving).
      n.state === 'draining' || n.state === 'starting' ? badge(n.state, 'warn') : null);
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
    if (syncAppOptions(statsSelect, apps) || (!hadValue && statsSelect.value)) D.refreshStats();
  }

  // The apps of the last overview ([] before the first one).
  const knownApps = () => lastApps;

  Object.assign(D, { renderOverview, knownApps });
})();
