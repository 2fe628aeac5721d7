using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.Metrics;

/// <summary>The metrics of the node's limits: client events over the rate (4301) and slow consumers (4100).</summary>
public sealed class MetricsLimitsTests
{
    [Fact]
    public async Task Client_events_over_the_rate_are_counted_as_rate_limited()
    {
        await using var server = await TestServers.StartAsync();
        await using var sender = await server.ConnectAsync();
        await sender.SubscribeAsync("private-chatty");

        const int burst = 30;
        for (var i = 0; i < burst; i++)
            await sender.SendAsync($$$"""{"event":"client-typing","channel":"private-chatty","data":{"i":{{{i}}}}}""");
        await sender.SendAsync("""{"event":"pusher:ping","data":{}}""");
        // Every refused event is answered with 4301 before the pong: the answers to the burst are all in.
        var limited = 0;
        while (true)
        {
            var frame = await sender.ReceiveAsync();
            if (frame.Event == "pusher:pong") break;
            Assert.Equal(4301, frame.ErrorCode);
            Assert.Contains("rate limit", frame.Data.GetProperty("message").GetString());
            limited++;
        }
        // 10 per second with a burst of 10: at least 10 pass, and a burst of 30 sent at once cannot all pass.
        Assert.InRange(limited, 1, burst - 10);

        var scrape = await PrometheusScrape.WaitForAsync(server.Port,
        [
            ("broadcaster_rate_limited_total", [("app_id", "app-id"), ("kind", "client_event")], limited),
            ("broadcaster_rate_limited_total", [("app_id", "app-id"), ("kind", "http_api")], 0),
        ]);
        Assert.Equal(0, scrape.Value("broadcaster_rate_limited_total", ("app_id", "noclient-id"), ("kind", "client_event")));
    }

    [Fact]
    public async Task Slow_consumer_close_is_counted_once()
    {
        const int size = 256 * 1024;
        var options = TestServers.DefaultOptions() with
        {
            OutgoingQueueSize = 2,
            Limits = ProtocolLimits.Default with { MaxEventDataBytes = size + 100 },
        };
        await using var server = await TestServers.StartAsync(options);
        var api = server.Api();
        var slow = await server.ConnectAsync();
        await slow.SubscribeAsync("firehose");

        // Publish until the node drops the client that never reads (bounded: tens of MB at most).
        var padding = new string('x', size);
        var sent = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await PrometheusScrape.FetchAsync(server.Port)).Value("broadcaster_slow_consumer_closes_total", ("app_id", "app-id")) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The slow client was never dropped after {sent} events of {size} bytes");
            await api.TriggerOkAsync("firehose", "chunk", padding);
            sent++;
        }

        await PrometheusScrape.WaitForAsync(server.Port,
        [
            ("broadcaster_slow_consumer_closes_total", [("app_id", "app-id")], 1),
            ("broadcaster_connected", [("app_id", "app-id")], 0),
            ("broadcaster_new_disconnections_total", [("app_id", "app-id")], 1),
            ("broadcaster_subscriptions", [], 0),
        ], TimeSpan.FromSeconds(10));
        // More events for nobody change nothing.
        await api.TriggerOkAsync("firehose", "chunk", "late");
        var after = await PrometheusScrape.FetchAsync(server.Port);
        Assert.Equal(1, after.Value("broadcaster_slow_consumer_closes_total", ("app_id", "app-id")));
        slow.Socket.Abort();
        slow.Socket.Dispose();
    }
}
