namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 2.8 and 6.6: cache channels through the HTTP API and a real WebSocket client.</summary>
public class CacheChannelTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_new_subscriber_gets_the_last_api_event_right_after_its_subscription_reply()
    {
        var api = fixture.Server.Api();
        await api.TriggerOkAsync("cache-prices", "price", "1.07");
        await api.TriggerOkAsync("cache-prices", "price", "1.08");

        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("cache-prices");
        var replay = await client.ReceiveAsync();
        Assert.Equal(("price", "cache-prices", "1.08"), (replay.Event, replay.Channel, replay.DataString));

        var info = await api.GetAsync("channels/cache-prices", "info", "cache");
        info.AssertOk();
        var cache = info.Json.GetProperty("cache");
        Assert.Equal(("price", "1.08"), (cache.GetProperty("event").GetString(), cache.GetProperty("data").GetString()));
        Assert.InRange(cache.GetProperty("ttl").GetInt32(), 1790, 1800);
    }

    [Fact]
    public async Task Nothing_cached_is_a_cache_miss_and_info_has_no_cache_field()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("private-cache-empty");
        var miss = await client.ReceiveAsync();
        Assert.Equal(("pusher:cache_miss", "private-cache-empty"), (miss.Event, miss.Channel));
        var info = await fixture.Server.Api().GetAsync("channels/private-cache-empty", "info", "cache");
        Assert.False(info.Json.TryGetProperty("cache", out _));
    }

    [Fact]
    public async Task Client_events_are_not_cached()
    {
        await using var sender = await fixture.Server.ConnectAsync();
        await sender.SubscribeAsync("private-cache-chat");
        await sender.ExpectAsync("pusher:cache_miss");
        await sender.SendAsync("""{"event":"client-hi","channel":"private-cache-chat","data":{}}""");
        await sender.PingPongAsync();

        await using var late = await fixture.Server.ConnectAsync();
        await late.SubscribeAsync("private-cache-chat");
        Assert.Equal("pusher:cache_miss", (await late.ReceiveAsync()).Event);
    }
}
