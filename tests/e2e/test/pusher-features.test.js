'use strict';

// The rest of Pusher through real clients: webhooks checked with the official SDK's own validation, pusher-js
// sign-in with sendToUser, terminateUserConnections and watchlists, cache channels and subscription counts.

const { describe, before, after } = require('node:test');
const assert = require('node:assert/strict');

const { useBroadcaster } = require('../lib/harness');
const { subscribe, waitConnected, uid } = require('../lib/clients');
const { waitFor, waitForEvent, delay } = require('../lib/wait');
const { startWebhookReceiver } = require('../lib/webhook-receiver');

let receiver = null;

const config = () => `broadcaster {
  apps = [
    { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true
      enable-subscription-count = true, enable-watchlist-events = true
      webhooks = [ { url = "${receiver.url}"
                     event-types = ["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event", "cache_miss"]
                     headers { "X-Test" = "e2e" } } ] }
  ]
  webhooks { delay-vacated = 500ms, retry-delay = 100ms }
}
`;

describe('webhooks, users, cache channels and subscription counts', () => {
  before(async () => {
    receiver = await startWebhookReceiver({ failFirst: 2 });
  });
  after(async () => {
    if (receiver) await receiver.close();
  });
  const h = useBroadcaster({ config });

  const signedIn = (id, watchlist) => h.clients.signedIn(id, watchlist);

  h.test('webhooks reach the endpoint once it is back, and the SDK validates every one', async () => {
    const channel = `presence-${uid('wh')}`;
    const client = await h.clients.connect({ auth: { user: 'wh-1' } });
    await subscribe(client, channel);
    client.unsubscribe(channel);
    const events = await receiver.waitForEvents(
      (es) => es.some((e) => e.name === 'channel_vacated' && e.channel === channel),
      15000,
      `occupied, member_added, member_removed and vacated of ${channel}`
    );
    assert.equal(receiver.failed, 2, 'the first two requests were refused and retried');
    assert.deepEqual(
      events.filter((e) => e.channel === channel).map((e) => [e.name, e.user_id]),
      [['channel_occupied', undefined], ['member_added', 'wh-1'], ['member_removed', 'wh-1'], ['channel_vacated', undefined]]
    );
    const sdk = h.sdk();
    for (const request of receiver.requests) {
      const webhook = sdk.webhook({ headers: request.headers, rawBody: request.rawBody });
      assert.ok(webhook.isValid(), `the SDK accepts ${request.rawBody}`);
      assert.equal(request.headers['content-type'], 'application/json');
      assert.equal(request.headers['x-test'], 'e2e');
      assert.ok(Math.abs(webhook.getTime().getTime() - request.at) < 15000);
    }
    const forged = receiver.requests[0];
    assert.equal(h.sdk({ secret: 'wrong' }).webhook({ headers: forged.headers, rawBody: forged.rawBody }).isValid(), false);
  });

  h.test('a client event and a cache miss become webhooks', async () => {
    const chat = `private-${uid('wh-chat')}`;
    const a = await h.clients.connect();
    const b = await h.clients.connect();
    const ca = (await subscribe(a, chat)).channel;
    await subscribe(b, chat);
    ca.trigger('client-typing', { typing: true });
    const cache = `cache-${uid('wh-miss')}`;
    const missed = waitForEvent(a.subscribe(cache), 'pusher:cache_miss', 5000, `cache miss on ${cache}`);
    await missed;
    const events = await receiver.waitForEvents(
      (es) => es.some((e) => e.name === 'client_event' && e.channel === chat) && es.some((e) => e.name === 'cache_miss' && e.channel === cache),
      10000,
      'client_event and cache_miss'
    );
    const clientEvent = events.find((e) => e.name === 'client_event' && e.channel === chat);
    assert.equal(clientEvent.event, 'client-typing');
    assert.equal(clientEvent.data, '{"typing":true}');
    assert.equal(clientEvent.socket_id, a.connection.socket_id);
  });

  h.test('sendToUser reaches every tab of the user, and terminateUserConnections disconnects them for good', async () => {
    const tab1 = await signedIn('u-42');
    const tab2 = await signedIn('u-42');
    const other = await signedIn('u-7');
    const got = [tab1, tab2].map((t) => waitForEvent(t.user, 'notice', 5000, 'notice on pusher.user'));
    await delay(200); // #server-to-user-u-42 is subscribed right after sign-in
    await h.sdk().sendToUser('u-42', 'notice', { text: 'hi' });
    for (const { data } of await Promise.all(got)) assert.deepEqual(data, { text: 'hi' });

    const closes = [tab1, tab2].map((t) => waitForEvent(t.connection, 'error', 5000, 'the 4009 error'));
    await h.sdk().terminateUserConnections('u-42');
    await waitFor(() => tab1.connection.state === 'disconnected' && tab2.connection.state === 'disconnected', 5000, 'both tabs disconnected');
    for (const { data } of await Promise.all(closes)) assert.equal(data.data.code, 4009);
    await delay(1500);
    assert.equal(tab1.connection.state, 'disconnected', 'pusher-js does not reconnect after 4009');
    assert.equal(tab2.connection.state, 'disconnected');
    assert.equal(other.connection.state, 'connected');
  });

  h.test('watchlists: online and offline as watched users sign in and leave', async () => {
    const watcher = h.clients.signinClient('w-1', 'w-2,w-3');
    const seen = [];
    watcher.user.watchlist.bind('online', (e) => seen.push(['online', e.user_ids]));
    watcher.user.watchlist.bind('offline', (e) => seen.push(['offline', e.user_ids]));
    await waitConnected(watcher);
    watcher.signin();
    await waitFor(() => seen.length >= 1, 5000, 'the initial watchlist view');
    assert.deepEqual(seen[0], ['offline', ['w-2', 'w-3']]);

    const two = await signedIn('w-2');
    await waitFor(() => seen.length >= 2, 5000, 'w-2 online');
    assert.deepEqual(seen[1], ['online', ['w-2']]);
    two.disconnect();
    await waitFor(() => seen.length >= 3, 5000, 'w-2 offline');
    assert.deepEqual(seen[2], ['offline', ['w-2']]);
  });

  h.test('a cache channel replays its last event to a new subscriber, and counts reach pusher-js', async () => {
    const channel = `cache-${uid('prices')}`;
    await h.sdk().trigger(channel, 'price', { eur: 1.07 });
    await h.sdk().trigger(channel, 'price', { eur: 1.08 });
    const client = await h.clients.connect();
    const ch = client.subscribe(channel);
    const { data } = await waitForEvent(ch, 'price', 5000, 'the cached price');
    assert.deepEqual(data, { eur: 1.08 });

    const counted = `orders-${uid('count')}`;
    const a = await h.clients.connect();
    const b = await h.clients.connect();
    const ca = a.subscribe(counted);
    await waitFor(() => ca.subscriptionCount === 1, 5000, 'subscriptionCount 1');
    b.subscribe(counted);
    await waitFor(() => ca.subscriptionCount === 2, 5000, 'subscriptionCount 2 on the first client');
    b.unsubscribe(counted);
    await waitFor(() => ca.subscriptionCount === 1, 5000, 'subscriptionCount back to 1');
  });
});
