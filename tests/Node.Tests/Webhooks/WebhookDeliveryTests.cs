using System.Diagnostics;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Node.Tests.Webhooks;

/// <summary>PROTOCOL.md 7 through a real node and a real HTTP endpoint: body, headers, signature, batching, retries, filters.</summary>
public class WebhookDeliveryTests
{
    private static readonly WebhookOptions Fast = new()
    {
        BatchWindow = TimeSpan.FromMilliseconds(50),
        DelayVacated = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        RetryFor = TimeSpan.FromSeconds(20),
        Timeout = TimeSpan.FromSeconds(2),
    };

    private static PusherApp AppFor(params Webhook[] hooks) => TestApps.Main with { Webhooks = hooks };

    private static Webhook Hook(string url, params string[] types) =>
        new(url, (types.Length == 0 ? Webhook.AllEventTypes : types).ToHashSet(), Headers: new Dictionary<string, string> { ["X-Custom"] = "yes" });

    private static Task<BroadcasterServer> StartAsync(PusherApp app, WebhookOptions? webhooks = null) =>
        TestServers.StartAsync(TestServers.DefaultOptions() with { Apps = [app], Webhooks = webhooks ?? Fast });

    [Fact]
    public async Task Occupied_member_events_and_their_delayed_removal_arrive_signed_as_pusher_sends_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = AppFor(Hook(receiver.Url));
        await using var server = await StartAsync(app);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var client = await server.ConnectAsync(app);
        await client.SubscribeAsync("presence-room", """{"user_id":"42"}""");
        Assert.Equal([(Webhook.ChannelOccupied, "presence-room", null), (Webhook.MemberAdded, "presence-room", "42")], await receiver.EventsAsync(2));

        var first = receiver.All.First();
        Assert.Equal("application/json", first.Headers["Content-Type"]);
        Assert.Equal(app.Key, first.Headers["X-Pusher-Key"]);
        Assert.Equal(PusherSignature.Sign(app.Secret, first.Body), first.Headers["X-Pusher-Signature"]);
        Assert.Equal("yes", first.Headers["X-Custom"]);
        var timeMs = first.Json.GetProperty("time_ms").GetInt64();
        Assert.InRange(timeMs, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        await client.DisposeAsync();
        Assert.Equal([(Webhook.MemberRemoved, "presence-room", "42"), (Webhook.ChannelVacated, "presence-room", null)], await receiver.EventsAsync(2));
        await receiver.ExpectNothingAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task An_endpoint_that_fails_and_recovers_gets_every_webhook_in_order_and_the_retries_are_counted()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 3);
        var app = AppFor(Hook(receiver.Url, Webhook.ChannelOccupied, Webhook.ChannelVacated));
        await using var server = await StartAsync(app);

        await using var client = await server.ConnectAsync(app);
        foreach (var channel in new[] { "a", "b", "c" }) await client.SubscribeAsync(channel);
        foreach (var channel in new[] { "a", "b", "c" })
        {
            await client.SendJsonAsync(new { @event = "pusher:unsubscribe", data = new { channel } });
            await client.PingPongAsync();
        }

        var events = await receiver.EventsAsync(6, TimeSpan.FromSeconds(20));
        Assert.Equal(3, receiver.Failed);
        foreach (var channel in new[] { "a", "b", "c" })
            Assert.Equal([Webhook.ChannelOccupied, Webhook.ChannelVacated], events.Where(e => e.Channel == channel).Select(e => e.Name));
        await PrometheusScrape.WaitForAsync(server.Port, [(Webhooks, Outcome("retried"), 3), (Webhooks, Outcome("delivered"), 6)]);
    }

    [Fact]
    public async Task A_4xx_is_not_retried_and_counts_as_failed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        receiver.FailWith = 400;
        var app = AppFor(Hook(receiver.Url, Webhook.ChannelOccupied));
        await using var server = await StartAsync(app);
        await using var client = await server.ConnectAsync(app);
        await client.SubscribeAsync("refused");
        await PrometheusScrape.WaitForAsync(server.Port, [(Webhooks, Outcome("failed"), 1)]);

        await client.SubscribeAsync("accepted");
        Assert.Equal([(Webhook.ChannelOccupied, "accepted", null)], await receiver.EventsAsync(1));
        Assert.Equal(1, receiver.Failed);
    }

    [Fact]
    public async Task Each_endpoint_gets_only_its_event_types_and_channels_and_batches_never_mix_endpoints()
    {
        await using var all = await WebhookReceiver.StartAsync();
        await using var members = await WebhookReceiver.StartAsync();
        var app = AppFor(Hook(all.Url, Webhook.ChannelOccupied),
            new Webhook(members.Url, new HashSet<string> { Webhook.MemberAdded }, ChannelNameStartsWith: "presence-", ChannelNameEndsWith: ".1"));
        await using var server = await StartAsync(app);
        await using var client = await server.ConnectAsync(app);
        await client.SubscribeAsync("presence-room.2", """{"user_id":"7"}""");
        await client.SubscribeAsync("presence-room.1", """{"user_id":"7"}""");
        await client.SubscribeAsync("private-room.1");

        Assert.Equal(["presence-room.2", "presence-room.1", "private-room.1"], (await all.EventsAsync(3)).Select(e => e.Channel));
        Assert.All(all.All.SelectMany(w => w.Events), e => Assert.Equal(Webhook.ChannelOccupied, e.Name));
        Assert.Equal([(Webhook.MemberAdded, "presence-room.1", "7")], await members.EventsAsync(1));
        await members.ExpectNothingAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_dead_endpoint_does_not_slow_delivery_to_clients()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang = true;
        var app = AppFor(Hook(receiver.Url));
        await using var server = await StartAsync(app);
        await using var client = await server.ConnectAsync(app);
        await client.SubscribeAsync("private-live");
        await using var other = await server.ConnectAsync(app);
        await other.SubscribeAsync("private-live");

        // Occupied is already waiting on the dead endpoint; client events add a webhook each.
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 8; i++)
        {
            await client.SendJsonAsync(new { @event = "client-tick", channel = "private-live", data = new { i } });
            await server.Api(app).TriggerOkAsync("private-live", "tick", i.ToString());
        }
        var received = new List<string>();
        while (received.Count < 16) received.Add((await other.ReceiveAsync()).Event);
        Assert.Equal(8, received.Count(e => e == "tick"));
        Assert.Equal(8, received.Count(e => e == "client-tick"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"16 events took {watch.Elapsed} with a dead webhook endpoint");
    }

    [Fact]
    public async Task A_full_endpoint_queue_drops_new_webhooks_and_counts_them()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Hang = true;
        var app = AppFor(Hook(receiver.Url, Webhook.ChannelOccupied));
        await using var server = await StartAsync(app, Fast with { QueueSize = 2, BatchSize = 1 });
        await using var client = await server.ConnectAsync(app);
        for (var i = 0; i < 20; i++) await client.SubscribeAsync($"queued-{i}");

        // One request hangs, a couple wait in the pipeline and two in the queue: the rest are dropped.
        await Eventually.WaitAsync(async () => (await Dropped(server)) >= 14, TimeSpan.FromSeconds(5), "at least 14 webhooks dropped");
        Assert.True(await Dropped(server) <= 18);
        await client.PingPongAsync();
    }

    private const string Webhooks = "broadcaster_webhooks_total";

    private static (string, string)[] Outcome(string outcome) => [("app_id", "app-id"), ("outcome", outcome)];

    private static async Task<double> Dropped(BroadcasterServer server) =>
        (await PrometheusScrape.FetchAsync(server.Port)).Find(Webhooks, Outcome("dropped"))?.Value ?? 0;
}
