'use strict';

// Webhooks, cache channels, users and watchlists across three real node processes: each webhook once for the
// cluster, checked with the SDK's validation; a cached event and a user's events from any node; a crash's members
// removed by webhook, and its cached events kept by the survivors.

const { describe, before, after } = require('node:test');
const assert = require('node:assert/strict');

const { useCluster } = require('../lib/cluster');
const { subscribe, waitConnected, uid } = require('../lib/clients');
const { waitFor, waitForEvent, delay } = require('../lib/wait');
const { startWebhookReceiver } = require('../lib/webhook-receiver');

let receiver = null;

const config = () => `broadcaster {
  cluster { failure-timeout = 2s, down-after = 2s }
  apps = [ { id = "app-id", key = "app-key", secret = "app-secret", enable-client-messages = true
             enable-watchlist-events = true
             webhooks = [ { url = "${receiver.url}", event-types = ["channel_occupied", "channel_vacated", "member_added", "member_removed"] } ] } ]
  webhooks { delay-vacated = 500ms, retry-delay = 100ms }
}
`;

describe('cluster: webhooks, cache channels, users and watchlists', () => {
  before(async () => {
    receiver = await startWebhookReceiver();
  });
  after(async () => {
    if (receiver) await receiver.close();
  });
  const h = useCluster({ config, nginx: false });

  const signinOn = (node, id, watchlist) => h.node(node).signinClient(id, watchlist);
  const signedIn = (node, id, watchlist) => h.node(node).signedIn(id, watchlist);

  const of = (channel) => receiver.events().filter((e) => e.channel === channel).map((e) => [e.name, e.user_id]);

  h.test('a cached event reaches a subscriber on another node; a user gets its events and is terminated on every node', async () => {
    const cache = `cache-${uid('c')}`;
    await h.sdk(0).trigger(cache, 'price', { eur: 1.07 });
    await delay(200);
    const reader = await h.node(1).connect();
    const { data } = await waitForEvent(reader.subscribe(cache), 'price', 5000, 'the cached event on node 1');
    assert.deepEqual(data, { eur: 1.07 });

    const tabs = [await signedIn(1, 'x-1'), await signedIn(2, 'x-1')];
    const got = tabs.map((t) => waitForEvent(t.user, 'notice', 5000, 'notice on pusher.user'));
    await delay(300);
    await h.sdk(0).sendToUser('x-1', 'notice', { n: 1 });
    for (const { data: d } of await Promise.all(got)) assert.deepEqual(d, { n: 1 });

    await h.sdk(0).terminateUserConnections('x-1');
    await waitFor(() => tabs.every((t) => t.connection.state === 'disconnected'), 5000, 'both tabs disconnected');
    await delay(1000);
    assert.ok(tabs.every((t) => t.connection.state === 'disconnected'), 'no reconnect after 4009');
  });

  h.test('watchlists follow users on other nodes', async () => {
    const watcher = signinOn(0, 'w-a', 'w-b');
    const seen = [];
    watcher.user.watchlist.bind('online', (e) => seen.push(['online', e.user_ids]));
    watcher.user.watchlist.bind('offline', (e) => seen.push(['offline', e.user_ids]));
    await waitConnected(watcher);
    watcher.signin();
    await waitFor(() => seen.length >= 1, 5000, 'the initial view');
    const b = await signedIn(2, 'w-b');
    await waitFor(() => seen.length >= 2, 5000, 'w-b online from node 2');
    b.disconnect();
    await waitFor(() => seen.length >= 3, 5000, 'w-b offline');
    assert.deepEqual(seen, [['offline', ['w-b']], ['online', ['w-b']], ['offline', ['w-b']]]);
  });

  h.test('each webhook once for the cluster; a crashed node: its member removed, its cached event kept', async () => {
    const room = `presence-${uid('room')}`;
    const onA = await h.node(0).connect({ auth: { user: 'm-a' } });
    await subscribe(onA, room);
    const onC = await h.node(2).connect({ auth: { user: 'm-c' } });
    await subscribe(onC, room);
    const onB = await h.node(1).connect({ auth: { user: 'm-c' } });
    await subscribe(onB, room); // m-c on two nodes: one member
    await receiver.waitForEvents(() => of(room).length >= 3, 10000, `occupied and two members of ${room}`);
    await delay(1000);
    assert.deepEqual(of(room), [['channel_occupied', undefined], ['member_added', 'm-a'], ['member_added', 'm-c']]);

    const cache = `cache-${uid('kept')}`;
    await h.sdk(2).trigger(cache, 'saved', { v: 2 });
    await delay(300);
    onB.disconnect();
    await h.cluster.crashNode(2);
    await receiver.waitForEvents(() => of(room).length >= 4, 20000, 'm-c removed after node 2 crashed');
    await delay(1500);
    assert.deepEqual(of(room).slice(3), [['member_removed', 'm-c']], 'once, and the channel stays occupied by m-a');

    const late = await h.node(1).connect();
    const { data } = await waitForEvent(late.subscribe(cache), 'saved', 5000, 'the crashed node\'s cached event on node 1');
    assert.deepEqual(data, { v: 2 });
    const sdk = h.sdk(0);
    for (const r of receiver.requests) assert.ok(sdk.webhook({ headers: r.headers, rawBody: r.rawBody }).isValid());
  }, { timeout: 60000 });
});
