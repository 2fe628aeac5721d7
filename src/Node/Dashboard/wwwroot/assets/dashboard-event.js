'use strict';
// The "Send a test event" form: POST api/event with the app, channel, event, data and an optional socket id to exclude.
// Adds nothing to window.BroadcasterDashboard; calls D.sessionEnded (dashboard.js) at call time on a 401.
(() => {
  const D = window.BroadcasterDashboard;
  const { $, request, errorText } = D;

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
      if (res.status === 401) D.sessionEnded();
    } catch {
      result.className = 'error';
      result.textContent = 'Could not reach the node';
    } finally {
      button.disabled = false;
    }
  }

  $('event-form').addEventListener('submit', sendEvent);
})();
