'use strict';

// End-to-end tests of the HTTP API through the official `pusher` server SDK
// (pusher-http-node 5), with pusher-js clients as observers.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useBroadcaster } = require('../lib/harness');
const { subscribe, uid } = require('../lib/clients');
const { Recorder, waitFor } = require('../lib/wait');

/** Runs an SDK call expected to fail and returns the RequestError. */
async function expectRequestError(promiseFactory) {
  try {
    const res = await promiseFactory();
    const body = res && typeof res.text === 'function' ? await res.text() : '';
    assert.fail(`expected an HTTP error, got status ${res && res.status} body ${body}`);
  } catch (err) {
    if (err && err.code === 'ERR_ASSERTION') throw err;
    assert.ok(err && err.status !== undefined, `expected a RequestError with a status, got ${err && err.stack}`);
    return err;
  }
}

describe('pusher server SDK (HTTP API)', () => {
  const h = useBroadcaster();

  h.test('trigger: single channel, multiple channels, and socket_id exclusion', async () => {
    const c1 = uid('sdk-a');
    const c2 = uid('sdk-b');
    const x = await h.clients.connect();
    const y = await h.clients.connect();
    const x1 = (await subscribe(x, c1)).channel;
    const x2 = (await subscribe(x, c2)).channel;
    const y1 = (await subscribe(y, c1)).channel;
    const recX = new Recorder().record(x1, 'e', 'x1').record(x2, 'e', 'x2');
    const recY = new Recorder().record(y1, 'e', 'y1');
    const sdk = h.sdk();

    let res = await sdk.trigger(c1, 'e', { step: 1 });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /application\/json/);
    assert.deepEqual(await res.json(), {});

    res = await sdk.trigger([c1, c2], 'e', { step: 2 });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});

    res = await sdk.trigger([c1, c2], 'e', { step: 3 }, { socket_id: x.connection.socket_id });
    assert.equal(res.status, 200);

    res = await sdk.trigger([c1, c2], 'e', { step: 4 });
    assert.equal(res.status, 200);

    await recX.waitForCount('x2', 2);
    await recX.waitForCount('x1', 3);
    await recY.waitForCount('y1', 4);
    assert.deepEqual(recX.of('x1').map((e) => e.data.step), [1, 2, 4]);
    assert.deepEqual(recX.of('x2').map((e) => e.data.step), [2, 4]);
    assert.deepEqual(recY.of('y1').map((e) => e.data.step), [1, 2, 3, 4]);
  });

  h.test('triggerBatch on one channel: all events delivered in array order', async () => {
    const name = uid('batch-single');
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    const order = [];
    channel.bind_global((event, data) => {
      if (event.startsWith('step-')) order.push(`${event}:${data.i}`);
    });
    const batch = [];
    for (let i = 0; i < 10; i++) batch.push({ channel: name, name: `step-${i}`, data: { i } });
    const expected = batch.map((b) => `${b.name}:${b.data.i}`);

    const res = await h.sdk().triggerBatch(batch); // note: the SDK replaces each item's data by its JSON string
    assert.equal(res.status, 200);
    assert.equal(typeof (await res.json()), 'object');

    await waitFor(() => order.length >= 10, 5000, () => `10 batch events (have ${order.length})`);
    assert.deepEqual(order, expected, 'batch items must arrive in array order');
  });

  h.test('triggerBatch across two channels: one connection gets the items in array order (PROTOCOL 3)', async () => {
    const c1 = uid('batch-a');
    const c2 = uid('batch-b');
    const client = await h.clients.connect();
    await subscribe(client, c1);
    await subscribe(client, c2);
    const order = [];
    client.bind_global((event, data) => {
      if (event.startsWith('item-')) order.push(`${event}@${data.channel === c1 ? 'A' : 'B'}`);
    });

    const batch = [];
    for (let i = 0; i < 10; i++) {
      const channel = i % 3 === 2 ? c2 : c1;
      batch.push({ channel, name: `item-${i}`, data: { i, channel } });
    }
    const expected = batch.map((b) => `${b.name}@${b.channel === c1 ? 'A' : 'B'}`);
    const res = await h.sdk().triggerBatch(batch);
    assert.equal(res.status, 200);

    await waitFor(() => order.length >= 10, 5000, () => `10 batch events (have ${order.length})`);
    assert.deepEqual(order, expected, 'batch items must arrive in array order, also across channels');
  });

  h.test('consecutive triggers on different channels reach one connection in request order (PROTOCOL 3)', async () => {
    const c1 = uid('seq-a');
    const c2 = uid('seq-b');
    const client = await h.clients.connect();
    await subscribe(client, c1);
    await subscribe(client, c2);
    const order = [];
    client.bind_global((event, data) => {
      if (event === 'seq') order.push(data.i);
    });
    const sdk = h.sdk();
    const expected = [];
    for (let i = 0; i < 12; i++) {
      expected.push(i);
      const res = await sdk.trigger(i % 2 === 0 ? c1 : c2, 'seq', { i });
      assert.equal(res.status, 200);
    }
    await waitFor(() => order.length >= 12, 5000, () => `12 events (have ${order.length})`);
    assert.deepEqual(order, expected, 'events from consecutive requests must arrive in the order they were accepted');
  });

  h.test('GET /channels?filter_by_prefix=presence-&info=user_count gives exact user counts', async () => {
    const p1 = `presence-${uid('count-a')}`;
    const p2 = `presence-${uid('count-b')}`;
    const pub = uid('count-public');
    // p1: users 1, 2 and a second tab of user 1 -> 2 users. p2: user 3 -> 1 user.
    const a1 = await h.clients.connect({ auth: { user: 'cnt-1' } });
    const a2 = await h.clients.connect({ auth: { user: 'cnt-1' } });
    const b = await h.clients.connect({ auth: { user: 'cnt-2' } });
    const c = await h.clients.connect({ auth: { user: 'cnt-3' } });
    await subscribe(a1, p1);
    await subscribe(a2, p1);
    await subscribe(b, p1);
    await subscribe(c, p2);
    await subscribe(c, pub);

    const sdk = h.sdk();
    const res = await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-', info: 'user_count' } });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(typeof body.channels, 'object');
    // The counts come whether or not info asks for them, as soketi sends them.
    assert.deepEqual(body.channels[p1], { user_count: 2, subscription_count: 3 });
    assert.deepEqual(body.channels[p2], { user_count: 1, subscription_count: 1 });
    assert.equal(body.channels[pub], undefined, 'the prefix filter excludes public channels');
    for (const name of Object.keys(body.channels)) assert.ok(name.startsWith('presence-'), name);

    // Without info every entry still has its counts; the public channel is listed.
    const all = await (await sdk.get({ path: '/channels' })).json();
    assert.deepEqual(all.channels[pub], { subscription_count: 1 });
    assert.deepEqual(all.channels[p1], { user_count: 2, subscription_count: 3 });

    // user_count without a presence- prefix is a 400.
    const err = await expectRequestError(() => sdk.get({ path: '/channels', params: { info: 'user_count' } }));
    assert.equal(err.status, 400);
  });

  h.test('GET /channels/<name>?info=subscription_count: exact count; unknown channel is unoccupied', async () => {
    const name = uid('info');
    const x = await h.clients.connect();
    const y = await h.clients.connect();
    await subscribe(x, name);
    await subscribe(y, name);
    const sdk = h.sdk();

    let res = await sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } });
    assert.equal(res.status, 200);
    let body = await res.json();
    assert.equal(body.occupied, true);
    assert.equal(body.subscription_count, 2);

    res = await sdk.get({ path: `/channels/${uid('never-used')}`, params: { info: 'subscription_count' } });
    assert.equal(res.status, 200);
    body = await res.json();
    assert.equal(body.occupied, false);
    if ('subscription_count' in body) assert.equal(body.subscription_count, 0);

    res = await sdk.get({ path: `/channels/${uid('never-used')}` });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { occupied: false, subscription_count: 0 });
  });

  h.test('GET /channels/<presence>?info=user_count and /users list distinct user ids', async () => {
    const name = `presence-${uid('users')}`;
    const u1a = await h.clients.connect({ auth: { user: 'usr-1' } });
    const u1b = await h.clients.connect({ auth: { user: 'usr-1' } });
    const u2 = await h.clients.connect({ auth: { user: 'usr-2' } });
    await subscribe(u1a, name);
    await subscribe(u1b, name);
    await subscribe(u2, name);
    const sdk = h.sdk();

    let res = await sdk.get({ path: `/channels/${name}/users` });
    assert.equal(res.status, 200);
    const users = (await res.json()).users;
    assert.deepEqual(users.map((u) => u.id).sort(), ['usr-1', 'usr-2']);
    for (const u of users) assert.equal(typeof u.id, 'string');

    res = await sdk.get({ path: `/channels/${name}`, params: { info: 'user_count' } });
    const body = await res.json();
    assert.equal(body.occupied, true);
    assert.equal(body.user_count, 2);

    // Unknown presence channel: empty list.
    res = await sdk.get({ path: `/channels/presence-${uid('empty')}/users` });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { users: [] });

    // Users of a non-presence channel: 400.
    const err = await expectRequestError(() => sdk.get({ path: `/channels/${uid('public')}/users` }));
    assert.equal(err.status, 400);
  });

  h.test("trigger with info: 'subscription_count' (and user_count) returns per-channel counts", async () => {
    const pub = uid('trig-info');
    const pres = `presence-${uid('trig-info')}`;
    const idle = uid('trig-info-idle');
    const x = await h.clients.connect({ auth: { user: 'ti-1' } });
    const y = await h.clients.connect({ auth: { user: 'ti-1' } });
    const z = await h.clients.connect({ auth: { user: 'ti-2' } });
    await subscribe(x, pub);
    await subscribe(y, pub);
    await subscribe(z, pub);
    await subscribe(x, pres);
    await subscribe(y, pres);
    await subscribe(z, pres);
    const sdk = h.sdk();

    let res = await sdk.trigger(pub, 'counted', {}, { info: 'subscription_count' });
    assert.equal(res.status, 200);
    let body = await res.json();
    assert.deepEqual(body, { channels: { [pub]: { subscription_count: 3 } } });

    res = await sdk.trigger([pub, pres, idle], 'counted', {}, { info: 'user_count,subscription_count' });
    assert.equal(res.status, 200);
    body = await res.json();
    assert.equal(body.channels[pub].subscription_count, 3);
    assert.equal(body.channels[pub].user_count, undefined, 'user_count only for presence channels');
    assert.equal(body.channels[pres].user_count, 2);
    assert.equal(body.channels[pres].subscription_count, 3);
    assert.ok(body.channels[idle], 'every channel of the request has an entry');
    if ('subscription_count' in body.channels[idle]) assert.equal(body.channels[idle].subscription_count, 0);
  });

  h.test('a request signed with the wrong secret is rejected with 401 and not delivered', async () => {
    const name = uid('wrong-secret');
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    const rec = new Recorder().record(channel, 'forged').record(channel, 'barrier');

    const bad = h.sdk({ secret: 'definitely-not-the-secret' });
    let err = await expectRequestError(() => bad.trigger(name, 'forged', { evil: true }));
    assert.equal(err.status, 401);
    err = await expectRequestError(() => bad.get({ path: '/channels' }));
    assert.equal(err.status, 401);

    // Wrong key for a known app id is rejected too.
    err = await expectRequestError(() => h.sdk({ key: 'key-2', secret: 'app-secret' }).trigger(name, 'forged', {}));
    assert.equal(err.status, 401);

    await h.sdk().trigger(name, 'barrier', {});
    await rec.waitForCount('barrier', 1);
    assert.equal(rec.count('forged'), 0);
  });

  h.test('event data over 10240 bytes gives 413; exactly 10240 bytes is accepted', async () => {
    const name = uid('size');
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    const rec = new Recorder().record(channel, 'big');
    const sdk = h.sdk();

    const err = await expectRequestError(() => sdk.trigger(name, 'big', 'x'.repeat(10241)));
    assert.equal(err.status, 413);

    // Multi-byte characters count in UTF-8 bytes: 3414 x '€' (3 bytes) = 10242 bytes.
    const err2 = await expectRequestError(() => sdk.trigger(name, 'big', '€'.repeat(3414)));
    assert.equal(err2.status, 413);

    const res = await sdk.trigger(name, 'big', 'y'.repeat(10240));
    assert.equal(res.status, 200);
    const [ev] = await rec.waitForCount('big', 1);
    assert.equal(ev.data, 'y'.repeat(10240));
    assert.equal(rec.count('big'), 1);
  });

  h.test('apps are isolated: app-2 events never reach app-id subscribers; unknown app id is 404', async () => {
    const name = uid('isolation');
    const main = await h.clients.connect();
    const second = await h.clients.connect({ key: 'key-2' });
    const chMain = (await subscribe(main, name)).channel;
    const chSecond = (await subscribe(second, name)).channel;
    const recMain = new Recorder().record(chMain, 'who').record(chMain, 'barrier');
    const recSecond = new Recorder().record(chSecond, 'who');

    const sdk2 = h.sdk({ appId: 'app-2', key: 'key-2', secret: 'secret-2' });
    const res = await sdk2.trigger(name, 'who', { app: 2 });
    assert.equal(res.status, 200);
    const [ev] = await recSecond.waitForCount('who', 1);
    assert.deepEqual(ev.data, { app: 2 });

    await h.sdk().trigger(name, 'barrier', {});
    await recMain.waitForCount('barrier', 1);
    assert.equal(recMain.count('who'), 0);

    const err = await expectRequestError(() => h.sdk({ appId: 'no-such-app' }).trigger(name, 'who', {}));
    assert.equal(err.status, 404);
  });
});
