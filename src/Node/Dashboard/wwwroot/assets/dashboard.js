'use strict';
// Broadcaster dashboard: sign-in, the two views and the live stream (api/live). Everything from the server goes into
// the DOM through textContent or setAttribute, never through innerHTML, so app ids, channel names and event texts
// cannot inject markup. Loaded last, after dashboard-lib.js (helpers) and the sections' scripts, in this order:
// dashboard-live-charts.js, dashboard-overview.js, dashboard-statistics.js, dashboard-log.js, dashboard-event.js;
// each adds its entry points to window.BroadcasterDashboard. Adds sessionEnded, which the others call on a 401.
(() => {
  const D = window.BroadcasterDashboard;
  const { $, parseJson, request, errorText } = D;

  function showBanner(text) {
    const banner = $('banner');
    banner.textContent = text || '';
    banner.hidden = !text;
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
    es.addEventListener('overview', (e) => { if (source === es) D.renderOverview(parseJson(e.data)); });
    es.addEventListener('log', (e) => { if (source === es) D.receiveLog(parseJson(e.data)); });
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
      if (res.ok) D.renderOverview(res.body);
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
    D.stopStats();
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
    D.ensureLiveCharts();
    D.ensureStatsCharts();
    D.startStats();
    D.renderOverview(overview);
    D.renderLogStatus();
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

  D.sessionEnded = sessionEnded;

  // The sections' controls are wired by their own scripts.
  $('login-form').addEventListener('submit', signIn);
  $('logout').addEventListener('click', signOut);

  start();
})();
