'use strict';

// End-to-end tests with the real pusher-js 8 client (Node build) against one
// Broadcaster node. Events are published with the official `pusher` server SDK.

const { describe } = require('node:test');
const assert = require('node:assert/strict');

const { useBroadcaster } = require('../lib/harness');
const { subscribe, uid, SOCKET_ID_RE, findCode } = require('../lib/clients');
const { waitFor, waitForEvent, Recorder } = require('../lib/wait');
const { flipLastHexDigit } = require('../lib/auth-server');

describe('pusher-js client', () => {
  const h = useBroadcaster();

  h.test('connects and receives a socket_id of the form digits.digits', async () => {
    const client = await h.clients.connect();
    assert.equal(client.connection.state, 'connected');
    assert.match(client.connection.socket_id, SOCKET_ID_RE);

    const other = await h.clients.connect();
    assert.notEqual(other.connection.socket_id, client.connection.socket_id, 'socket ids must be unique');
  });

  h.test('public channel: SDK trigger delivers object data intact', async () => {
    const name = uid('public');
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    const got = waitForEvent(channel, 'order-shipped');

    const payload = { id: 42, status: 'shipped', nested: { list: [1, 2.5, -3], flag: true, nothing: null }, empty: {} };
    const res = await h.sdk().trigger(name, 'order-shipped', payload);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});

    const { data } = await got;
    assert.deepEqual(data, payload);
  });

  h.test('public channel: unicode, emoji and escapes survive byte for byte', async () => {
    const name = uid('unicode');
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    const rec = new Recorder().record(channel, 'obj').record(channel, 'raw').record(channel, 'raw-json-string');

    const text = 'Zoë – “quotes” \\ back\\slash / 日本語 עברית 🎉 👩‍👩‍👧 \u2028 \u2029 </script> \t tab';
    const sdk = h.sdk();
    await sdk.trigger(name, 'obj', { text, emoji: '🚀🔥', key: 'ключ' });
    // A non-JSON string is sent as-is by the SDK; pusher-js delivers the raw string.
    await sdk.trigger(name, 'raw', 'héllo 🌍 wörld, not json');
    // A JSON string literal: pusher-js JSON.parses it into a JS string.
    await sdk.trigger(name, 'raw-json-string', JSON.stringify('emoji 😀 ünïcödé'));

    await rec.waitForCount('raw-json-string', 1);
    assert.deepEqual(rec.of('obj').map((e) => e.data), [{ text, emoji: '🚀🔥', key: 'ключ' }]);
    assert.deepEqual(rec.of('raw').map((e) => e.data), ['héllo 🌍 wörld, not json']);
    assert.deepEqual(rec.of('raw-json-string').map((e) => e.data), ['emoji 😀 ünïcödé']);
  });

  h.test('trigger to multiple channels: one frame per subscribed channel', async () => {
    const ch1 = uid('multi-a');
    const ch2 = uid('multi-b');
    const ch3 = uid('multi-unsubscribed');
    const a = await h.clients.connect();
    const b = await h.clients.connect();
    const a1 = (await subscribe(a, ch1)).channel;
    const a2 = (await subscribe(a, ch2)).channel;
    const b2 = (await subscribe(b, ch2)).channel;

    const recA = new Recorder();
    recA.record(a1, 'news', 'a1').record(a2, 'news', 'a2').record(a1, 'barrier', 'a1-barrier').record(a2, 'barrier', 'a2-barrier');
    const recB = new Recorder().record(b2, 'news', 'b2').record(b2, 'barrier', 'b2-barrier');
    const globalA = [];
    a.bind_global((event, data) => {
      if (event === 'news') globalA.push(data);
    });

    const res = await h.sdk().trigger([ch1, ch2, ch3], 'news', { n: 1 });
    assert.equal(res.status, 200);

    await recA.waitForCount('a1', 1);
    await recA.waitForCount('a2', 1);
    await recB.waitForCount('b2', 1);

    // Barrier: a later event on both channels proves no duplicates are in flight.
    await h.sdk().trigger([ch1, ch2], 'barrier', {});
    await recA.waitForCount('a1-barrier', 1);
    await recA.waitForCount('a2-barrier', 1);
    await recB.waitForCount('b2-barrier', 1);
    assert.equal(globalA.length, 2, 'a is on two of the channels: exactly two frames');
    assert.equal(recA.count('a1'), 1);
    assert.equal(recA.count('a2'), 1);
    assert.equal(recB.count('b2'), 1);
    assert.deepEqual(recA.of('a1')[0].data, { n: 1 });
  });

  h.test('socket_id exclusion: the excluded connection gets nothing, others do', async () => {
    const name = uid('exclude');
    const excluded = await h.clients.connect();
    const other = await h.clients.connect();
    const chEx = (await subscribe(excluded, name)).channel;
    const chOther = (await subscribe(other, name)).channel;
    const recEx = new Recorder().record(chEx, 'update').record(chEx, 'barrier');
    const recOther = new Recorder().record(chOther, 'update').record(chOther, 'barrier');

    const sdk = h.sdk();
    const res = await sdk.trigger(name, 'update', { v: 1 }, { socket_id: excluded.connection.socket_id });
    assert.equal(res.status, 200);
    await recOther.waitForCount('update', 1);

    // Barrier: a later event from the same publisher reaches both; per-connection
    // ordering means the excluded client would have seen 'update' before it.
    await sdk.trigger(name, 'barrier', {});
    await recEx.waitForCount('barrier', 1);
    await recOther.waitForCount('barrier', 1);
    assert.equal(recEx.count('update'), 0, 'excluded socket must not receive the event');
    assert.deepEqual(recOther.of('update')[0].data, { v: 1 });
  });

  h.test('private channel: authorized through the auth endpoint and receives events', async () => {
    const name = `private-${uid('orders')}`;
    const client = await h.clients.connect();
    const { channel } = await subscribe(client, name);
    assert.equal(channel.subscribed, true);
    const authCall = h.auth.requests.find((r) => r.channel === name);
    assert.ok(authCall, 'auth endpoint must have been called');
    assert.equal(authCall.socketId, client.connection.socket_id);

    const got = waitForEvent(channel, 'status');
    await h.sdk().trigger(name, 'status', { ok: true });
    assert.deepEqual((await got).data, { ok: true });
  });

  h.test('private channel: a wrong signature gives pusher:subscription_error on the channel', async () => {
    const name = `private-${uid('badsig')}`;
    const endpoint = h.auth.endpoint();
    const client = await h.clients.connect({
      channelAuthorization: {
        // Real round trip to the auth endpoint, then tamper with the signature.
        customHandler: ({ socketId, channelName }, callback) => {
          fetch(endpoint, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ socket_id: socketId, channel_name: channelName }).toString(),
          })
            .then((r) => r.json())
            .then((body) => callback(null, { auth: flipLastHexDigit(body.auth) }))
            .catch((err) => callback(err, null));
        },
      },
    });
    const channel = client.subscribe(name);
    const succeeded = [];
    channel.bind('pusher:subscription_succeeded', () => succeeded.push(true));
    const { data } = await waitForEvent(channel, 'pusher:subscription_error', 5000, 'server refusal of a bad signature');

    assert.equal(data.type, 'AuthError', `subscription_error data: ${JSON.stringify(data)}`);
    assert.equal(data.status, 401, `subscription_error data: ${JSON.stringify(data)}`);
    assert.equal(typeof data.error, 'string');
    assert.equal(channel.subscribed, false);
    assert.equal(succeeded.length, 0);

    // The connection stays open and usable.
    assert.equal(client.connection.state, 'connected');
    const pub = uid('after-error');
    await subscribe(client, pub);
    assert.equal(client.connection.state, 'connected');
  });

  h.test('private channel: a wrong key prefix in auth is refused with subscription_error', async () => {
    const name = `private-${uid('wrongkey')}`;
    const client = await h.clients.connect({ auth: { mode: 'wrongkey' } });
    const channel = client.subscribe(name);
    const { data } = await waitForEvent(channel, 'pusher:subscription_error');
    assert.equal(data.type, 'AuthError', JSON.stringify(data));
    assert.equal(data.status, 401, JSON.stringify(data));
    assert.equal(channel.subscribed, false);
    assert.equal(client.connection.state, 'connected');
  });

  h.test('presence channel: members include self and others, member_added / member_removed', async () => {
    const name = `presence-${uid('room')}`;
    const alice = await h.clients.connect({ auth: { user: 'u-alice', name: 'Alice' } });
    const { channel: chA, data: membersA } = await subscribe(alice, name);
    assert.equal(membersA.count, 1);
    assert.equal(membersA.me.id, 'u-alice');
    assert.deepEqual(membersA.me.info, { name: 'Alice' });

    const recA = new Recorder().record(chA, 'pusher:member_added', 'added').record(chA, 'pusher:member_removed', 'removed');

    const bob = await h.clients.connect({ auth: { user: 'u-bob', name: 'Bob' } });
    const { channel: chB, data: membersB } = await subscribe(bob, name);
    assert.equal(membersB.count, 2);
    assert.equal(membersB.me.id, 'u-bob');
    const seenByBob = {};
    membersB.each((m) => {
      seenByBob[m.id] = m.info;
    });
    assert.deepEqual(seenByBob, { 'u-alice': { name: 'Alice' }, 'u-bob': { name: 'Bob' } });
    const recB = new Recorder().record(chB, 'pusher:member_added', 'added');

    const [added] = await recA.waitForCount('added', 1);
    assert.equal(added.data.id, 'u-bob');
    assert.deepEqual(added.data.info, { name: 'Bob' });
    assert.equal(chA.members.count, 2);

    bob.disconnect();
    const [removed] = await recA.waitForCount('removed', 1);
    assert.equal(removed.data.id, 'u-bob');
    assert.equal(chA.members.count, 1);
    assert.equal(recB.count('added'), 0, 'a subscriber never gets member_added for itself');
  });

  h.test('presence channel: same user on two connections is one member (one member_added / member_removed)', async () => {
    const name = `presence-${uid('tabs')}`;
    const sdk = h.sdk();
    const observer = await h.clients.connect({ auth: { user: 'u-obs', name: 'Observer' } });
    const { channel: chObs } = await subscribe(observer, name);
    const rec = new Recorder().record(chObs, 'pusher:member_added', 'added').record(chObs, 'pusher:member_removed', 'removed');

    const tab1 = await h.clients.connect({ auth: { user: 'u-multi', name: 'Multi' } });
    await subscribe(tab1, name);
    await rec.waitForCount('added', 1);

    const tab2 = await h.clients.connect({ auth: { user: 'u-multi', name: 'Multi' } });
    const { data: members2 } = await subscribe(tab2, name);
    assert.equal(members2.count, 2, 'u-obs and u-multi');
    assert.equal(members2.me.id, 'u-multi');

    // Barrier for "no second member_added": a third user joins afterwards.
    const third = await h.clients.connect({ auth: { user: 'u-third', name: 'Third' } });
    await subscribe(third, name);
    await rec.waitForCount('added', 2);
    assert.deepEqual(rec.of('added').map((e) => e.data.id), ['u-multi', 'u-third']);
    assert.equal(chObs.members.count, 3);

    // Close the first tab and wait (via the HTTP API) until the node has processed it.
    tab1.disconnect();
    await waitFor(async () => {
      const res = await sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } });
      const body = await res.json();
      return body.subscription_count === 3;
    }, 5000, 'subscription_count to drop to 3 after closing tab 1');

    // Barrier for "no member_removed for u-multi yet": u-third leaves afterwards.
    third.disconnect();
    await rec.waitForCount('removed', 1);
    assert.deepEqual(rec.of('removed').map((e) => e.data.id), ['u-third'], 'closing one of two tabs must not remove the member');
    assert.equal(chObs.members.count, 2);

    tab2.disconnect();
    await rec.waitForCount('removed', 2);
    assert.deepEqual(rec.of('removed').map((e) => e.data.id), ['u-third', 'u-multi']);
    assert.equal(chObs.members.count, 1);
    assert.equal(rec.count('added'), 2);
  });

  h.test('presence channel: a numeric user_id is treated as (and emitted as) a string', async () => {
    const name = `presence-${uid('numeric')}`;
    const watcher = await h.clients.connect({ auth: { user: 'w-1', name: 'Watcher' } });
    const { channel: chW } = await subscribe(watcher, name);
    const rec = new Recorder().record(chW, 'pusher:member_added', 'added');

    const tab1 = await h.clients.connect({ auth: { user: '10', name: 'Ten', numeric: '1' } });
    const { channel: ch1 } = await subscribe(tab1, name);
    const [added] = await rec.waitForCount('added', 1);
    assert.equal(added.data.id, '10', `member_added id must be the string "10", got ${JSON.stringify(added.data.id)}`);

    // A second connection of the same user with a string id is the same member.
    const tab2 = await h.clients.connect({ auth: { user: '10', name: 'Ten' } });
    const { data: members2 } = await subscribe(tab2, name);
    assert.equal(members2.count, 2);
    assert.deepEqual(Object.keys(members2.members).sort(), ['10', 'w-1']);

    const users = await (await h.sdk().get({ path: `/channels/${name}/users` })).json();
    assert.deepEqual(users.users.map((u) => u.id).sort(), ['10', 'w-1']);
    assert.equal(ch1.members.count, 2);
  });

  h.test('invalid channel name: subscription_error with type InvalidChannel, connection stays open', async () => {
    const client = await h.clients.connect();
    const channel = client.subscribe('bad:name');
    const { data } = await waitForEvent(channel, 'pusher:subscription_error');
    assert.equal(data.type, 'InvalidChannel', JSON.stringify(data));
    assert.equal(data.status, 400, JSON.stringify(data));
    assert.equal(channel.subscribed, false);
    await subscribe(client, uid('still-ok'));
    assert.equal(client.connection.state, 'connected');
  });

  h.test('encrypted channel: SDK-encrypted event is decrypted by pusher-js; the wire carries ciphertext', async () => {
    const name = `private-encrypted-${uid('secret')}`;
    const client = await h.clients.connect();
    const raw = [];
    client.connection.bind('message', (m) => {
      if (m && m.channel === name && m.event === 'secret-event') raw.push(m);
    });
    const { channel } = await subscribe(client, name);
    const got = waitForEvent(channel, 'secret-event');

    const payload = { msg: 'top secret ✓ 🔐', n: 7 };
    const res = await h.sdk().trigger(name, 'secret-event', payload);
    assert.equal(res.status, 200);
    assert.deepEqual((await got).data, payload);

    assert.equal(raw.length, 1);
    const wire = typeof raw[0].data === 'string' ? JSON.parse(raw[0].data) : raw[0].data;
    assert.equal(typeof wire.nonce, 'string');
    assert.equal(typeof wire.ciphertext, 'string');
    assert.ok(!JSON.stringify(raw[0]).includes('top secret'), 'plaintext must not be on the wire');
  });

  h.test('client events on a private channel reach the other subscriber, not the sender', async () => {
    const name = `private-${uid('chat')}`;
    const sender = await h.clients.connect();
    const receiver = await h.clients.connect();
    const chS = (await subscribe(sender, name)).channel;
    const chR = (await subscribe(receiver, name)).channel;
    const recS = new Recorder().record(chS, 'client-typing').record(chS, 'barrier');
    const recR = new Recorder().record(chR, 'client-typing');

    assert.equal(chS.trigger('client-typing', { typing: true, text: 'héllo ✍️' }), true);
    const [got] = await recR.waitForCount('client-typing', 1);
    assert.deepEqual(got.data, { typing: true, text: 'héllo ✍️' });

    // Barrier: a server event triggered after delivery reaches the sender.
    await h.sdk().trigger(name, 'barrier', {});
    await recS.waitForCount('barrier', 1);
    assert.equal(recS.count('client-typing'), 0, 'client events must not be echoed to the sender');
  });

  h.test('client events on a presence channel carry the sender user_id', async () => {
    const name = `presence-${uid('typing')}`;
    const sender = await h.clients.connect({ auth: { user: 'u-sender', name: 'Sender' } });
    const receiver = await h.clients.connect({ auth: { user: 'u-receiver', name: 'Receiver' } });
    const chS = (await subscribe(sender, name)).channel;
    const chR = (await subscribe(receiver, name)).channel;
    const recS = new Recorder().record(chS, 'client-typing').record(chS, 'barrier');
    const recR = new Recorder().record(chR, 'client-typing');

    assert.equal(chS.trigger('client-typing', { typing: true }), true);
    const [got] = await recR.waitForCount('client-typing', 1);
    assert.deepEqual(got.data, { typing: true });
    assert.ok(got.meta, 'pusher-js passes metadata as the second callback argument');
    assert.equal(got.meta.user_id, 'u-sender');

    await h.sdk().trigger(name, 'barrier', {});
    await recS.waitForCount('barrier', 1);
    assert.equal(recS.count('client-typing'), 0, 'client events must not be echoed to the sender');
  });

  h.test('client events are refused with pusher:error 4301 when the app has client messages disabled', async () => {
    const name = `private-${uid('noclient')}`;
    const sender = await h.clients.connect({ key: 'key-2', auth: { app: '2' } });
    const receiver = await h.clients.connect({ key: 'key-2', auth: { app: '2' } });
    const chS = (await subscribe(sender, name)).channel;
    const chR = (await subscribe(receiver, name)).channel;
    const recR = new Recorder().record(chR, 'client-typing').record(chR, 'barrier');
    const connErrors = [];
    sender.connection.bind('error', (e) => connErrors.push(e));
    const chErrors = new Recorder().record(chS, 'pusher:error', 'error');

    chS.trigger('client-typing', { typing: true });
    await waitFor(() => connErrors.some((e) => findCode(e) === 4301) || chErrors.count('error') > 0, 5000, () => `pusher:error 4301 (errors: ${JSON.stringify(connErrors)})`);
    const codes = connErrors.map(findCode).concat(chErrors.of('error').map((e) => findCode(e.data)));
    assert.ok(codes.includes(4301), `expected code 4301, got ${JSON.stringify(codes)}`);

    await h.sdk({ appId: 'app-2', key: 'key-2', secret: 'secret-2' }).trigger(name, 'barrier', {});
    await recR.waitForCount('barrier', 1);
    assert.equal(recR.count('client-typing'), 0, 'refused client event must not be relayed');
    assert.equal(sender.connection.state, 'connected', 'the connection stays open');
  });

  h.test('client events are not relayed on public channels', async () => {
    const name = uid('public-client-event');
    const sender = await h.clients.connect();
    const receiver = await h.clients.connect();
    const chS = (await subscribe(sender, name)).channel;
    const chR = (await subscribe(receiver, name)).channel;
    const recR = new Recorder().record(chR, 'client-hello').record(chR, 'barrier');
    chS.trigger('client-hello', { hi: true });
    // Give the server a chance to (wrongly) relay before the barrier: the barrier is
    // published only after the sender's frame has reached the server (ping round trip).
    await new Promise((resolve) => {
      sender.connection.send_event('pusher:ping', {});
      sender.connection.bind('message', function onMsg(m) {
        if (m.event === 'pusher:pong') {
          sender.connection.unbind('message', onMsg);
          resolve();
        }
      });
    });
    await h.sdk().trigger(name, 'barrier', {});
    await recR.waitForCount('barrier', 1);
    assert.equal(recR.count('client-hello'), 0);
    assert.equal(sender.connection.state, 'connected');
  });

  h.test('after unsubscribe a client no longer receives events on that channel', async () => {
    const name = uid('unsub');
    const leaver = await h.clients.connect();
    const stayer = await h.clients.connect();
    const chL = (await subscribe(leaver, name)).channel;
    const chS = (await subscribe(stayer, name)).channel;
    const recL = new Recorder().record(chL, 'e');
    const recS = new Recorder().record(chS, 'e');
    const sdk = h.sdk();
    await sdk.trigger(name, 'e', { n: 1 });
    await recL.waitForCount('e', 1);
    await recS.waitForCount('e', 1);

    leaver.unsubscribe(name);
    await waitFor(async () => {
      const body = await (await sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } })).json();
      return body.subscription_count === 1;
    }, 5000, 'subscription_count 1 after unsubscribe');
    await sdk.trigger(name, 'e', { n: 2 });
    await recS.waitForCount('e', 2);
    assert.equal(recL.count('e'), 1);
  });

  h.test('unknown app key: error 4001 and the client stops without retrying', async () => {
    const client = h.clients.pusher({ key: 'no-such-app-key' });
    const errors = [];
    const states = [];
    client.connection.bind('error', (e) => errors.push(e));
    client.connection.bind('state_change', (s) => states.push(s.current));

    await waitFor(() => errors.some((e) => findCode(e) === 4001), 10000, () => `an error with code 4001 (errors: ${JSON.stringify(errors)}, states: ${states.join(',')})`);
    await waitFor(() => ['disconnected', 'failed'].includes(client.connection.state), 5000, () => `state disconnected/failed (states: ${states.join(',')})`);

    // Observe for 2.5 s: pusher-js would retry within 1 s after a non-4xxx close.
    const connectingBefore = states.filter((s) => s === 'connecting').length;
    const deadline = Date.now() + 2500;
    await waitFor(() => Date.now() >= deadline || states.filter((s) => s === 'connecting').length > connectingBefore, 4000);
    assert.equal(states.filter((s) => s === 'connecting').length, connectingBefore, `no reconnect attempt expected, states: ${states.join(',')}`);
    assert.ok(['disconnected', 'failed'].includes(client.connection.state), `final state ${client.connection.state}`);
    assert.equal(client.connection.socket_id, undefined);
  });
});
