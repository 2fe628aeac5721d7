'use strict';

// End-to-end tests with Laravel Echo 2 (broadcaster 'pusher', given a real
// pusher-js client) against one Broadcaster node.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useBroadcaster } = require('../lib/harness');
const { waitSubscribed, uid } = require('../lib/clients');
const { waitFor, Recorder } = require('../lib/wait');

describe('Laravel Echo (pusher broadcaster)', () => {
  const h = useBroadcaster();

  h.test("channel().listen('.OrderShipped') receives an SDK event named OrderShipped", async () => {
    const base = uid('orders');
    const { echo, pusher } = await h.clients.echo();
    const rec = new Recorder();
    echo.channel(base).listen('.OrderShipped', rec.callback('shipped'));
    await waitSubscribed(pusher, base);

    await h.sdk().trigger(base, 'OrderShipped', { order: { id: 1, total: '9.99 €' } });
    const [ev] = await rec.waitForCount('shipped', 1);
    assert.deepEqual(ev.data, { order: { id: 1, total: '9.99 €' } });
  });

  h.test("listen('OrderShipped') uses the App.Events namespace: event 'App\\Events\\OrderShipped'", async () => {
    const base = uid('orders-ns');
    const { echo, pusher } = await h.clients.echo();
    const rec = new Recorder();
    const subscribed = new Recorder();
    echo.channel(base).subscribed(subscribed.callback('ok')).listen('OrderShipped', rec.callback('shipped'));
    await subscribed.waitForCount('ok', 1);
    assert.equal(pusher.channel(base).subscribed, true);

    // Laravel broadcasts the fully-qualified class name, backslashes included.
    await h.sdk().trigger(base, 'App\\Events\\OrderShipped', { id: 5 });
    const [ev] = await rec.waitForCount('shipped', 1);
    assert.deepEqual(ev.data, { id: 5 });
  });

  h.test("private('orders.N') subscribes to private-orders.N with auth and receives events", async () => {
    const base = `orders.${uid('p')}`;
    const { echo, pusher } = await h.clients.echo({ auth: { user: '1' } });
    const rec = new Recorder();
    echo.private(base).listen('.status.updated', rec.callback('status'));
    await waitSubscribed(pusher, `private-${base}`);
    assert.ok(h.auth.requests.some((r) => r.channel === `private-${base}` && r.socketId === echo.socketId()));

    await h.sdk().trigger(`private-${base}`, 'status.updated', { status: 'paid' });
    const [ev] = await rec.waitForCount('status', 1);
    assert.deepEqual(ev.data, { status: 'paid' });
  });

  h.test('join() presence channel: here, joining and leaving across three clients', async () => {
    const base = `room.${uid('r')}`;
    const a = await h.clients.echo({ auth: { user: '1', name: 'Ann' } });
    const recA = new Recorder();
    a.echo
      .join(base)
      .here(recA.callback('here'))
      .joining(recA.callback('joining'))
      .leaving(recA.callback('leaving'));
    const [hereA] = await recA.waitForCount('here', 1);
    assert.deepEqual(hereA.data, [{ name: 'Ann' }]);

    const b = await h.clients.echo({ auth: { user: '2', name: 'Ben' } });
    const recB = new Recorder();
    b.echo.join(base).here(recB.callback('here')).joining(recB.callback('joining')).leaving(recB.callback('leaving'));
    const [hereB] = await recB.waitForCount('here', 1);
    const byName = (x, y) => x.name.localeCompare(y.name);
    assert.deepEqual([...hereB.data].sort(byName), [{ name: 'Ann' }, { name: 'Ben' }]);
    const [joinedA] = await recA.waitForCount('joining', 1);
    assert.deepEqual(joinedA.data, { name: 'Ben' });

    const c = await h.clients.echo({ auth: { user: '3', name: 'Cat' } });
    const recC = new Recorder();
    c.echo.join(base).here(recC.callback('here'));
    const [hereC] = await recC.waitForCount('here', 1);
    assert.deepEqual([...hereC.data].sort(byName), [{ name: 'Ann' }, { name: 'Ben' }, { name: 'Cat' }]);
    await recA.waitForCount('joining', 2);
    await recB.waitForCount('joining', 1);
    assert.deepEqual(recA.of('joining').map((e) => e.data.name), ['Ben', 'Cat']);
    assert.deepEqual(recB.of('joining').map((e) => e.data.name), ['Cat']);

    // Ben leaves the channel (echo.leave sends pusher:unsubscribe), Cat disconnects.
    b.echo.leave(base);
    await recA.waitForCount('leaving', 1);
    assert.deepEqual(recA.of('leaving')[0].data, { name: 'Ben' });
    c.echo.disconnect();
    await recA.waitForCount('leaving', 2);
    assert.deepEqual(recA.of('leaving').map((e) => e.data.name), ['Ben', 'Cat']);
    assert.equal(recB.count('leaving'), 0, 'Ben left before Cat, so he must not see Cat leave');
    assert.equal(a.pusher.channel(`presence-${base}`).members.count, 1);
  });

  h.test('whisper / listenForWhisper on a private channel', async () => {
    const base = `chat.${uid('w')}`;
    const a = await h.clients.echo({ auth: { user: '1' } });
    const b = await h.clients.echo({ auth: { user: '2' } });
    const recA = new Recorder();
    const recB = new Recorder();
    const chA = a.echo.private(base).listenForWhisper('typing', recA.callback('typing')).listen('.barrier', recA.callback('barrier'));
    b.echo.private(base).listenForWhisper('typing', recB.callback('typing'));
    await waitSubscribed(a.pusher, `private-${base}`);
    await waitSubscribed(b.pusher, `private-${base}`);

    chA.whisper('typing', { name: 'Ann', typing: true });
    const [ev] = await recB.waitForCount('typing', 1);
    assert.deepEqual(ev.data, { name: 'Ann', typing: true });

    await h.sdk().trigger(`private-${base}`, 'barrier', {});
    await recA.waitForCount('barrier', 1);
    assert.equal(recA.count('typing'), 0, 'whispers are not echoed to the sender');
  });

  h.test('encryptedPrivate() receives an SDK-encrypted event', async () => {
    const base = `secret.${uid('e')}`;
    const { echo, pusher } = await h.clients.echo();
    const rec = new Recorder();
    echo.encryptedPrivate(base).listen('.SecretMessage', rec.callback('secret'));
    await waitSubscribed(pusher, `private-encrypted-${base}`);

    await h.sdk().trigger(`private-encrypted-${base}`, 'SecretMessage', { text: 'shh 🤫' });
    const [ev] = await rec.waitForCount('secret', 1);
    assert.deepEqual(ev.data, { text: 'shh 🤫' });
  });

  h.test('.error() is called when the server refuses a private subscription (bad signature)', async () => {
    const base = `orders.${uid('refused')}`;
    const { echo, pusher } = await h.clients.echo({ auth: { mode: 'badsig' } });
    const rec = new Recorder();
    echo.private(base).subscribed(rec.callback('ok')).error(rec.callback('error'));
    const [err] = await rec.waitForCount('error', 1);
    assert.equal(err.data.type, 'AuthError', JSON.stringify(err.data));
    assert.equal(err.data.status, 401, JSON.stringify(err.data));
    assert.equal(rec.count('ok'), 0);
    assert.equal(pusher.channel(`private-${base}`).subscribed, false);
    assert.equal(echo.connectionStatus(), 'connected');
    // The auth endpoint was really called: the refusal came from the server.
    await waitFor(() => h.auth.requests.some((r) => r.channel === `private-${base}` && r.mode === 'badsig'), 1000, 'auth request');
  });
});
