using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Protocol.Tests.Http;

/// <summary>PROTOCOL.md 6.1, 6.3-6.7: response bodies.</summary>
public class ApiResponsesTests
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();
    private static readonly IReadOnlySet<string> Both = new HashSet<string> { "user_count", "subscription_count" };

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void Empty_is_empty_object() => Assert.Equal("{}", S(ApiResponses.Empty));

    [Fact]
    public void Error_body()
    {
        Assert.Equal("{\"error\":\"Invalid signature\"}", S(ApiResponses.Error("Invalid signature")));
        const string msg = "quote \" backslash \\ newline \n Zoë";
        using var doc = JsonDocument.Parse(ApiResponses.Error(msg));
        Assert.Equal(msg, doc.RootElement.Str("error"));
    }

    [Fact]
    public void Empty_maps_serialize_as_objects()
    {
        Assert.Equal("{\"channels\":{}}", S(ApiResponses.ChannelList([], None)));
        Assert.Equal("{\"channels\":{}}", S(ApiResponses.ChannelList([], Both)));
        Assert.Equal("{\"channels\":{}}", S(ApiResponses.TriggerInfo([], Both)));
        Assert.Equal("{\"batch\":[]}", S(ApiResponses.BatchInfo([])));
        Assert.Equal("{\"users\":[]}", S(ApiResponses.Users([])));
    }

    [Fact]
    public void Channel_list_without_info_has_the_counts_anyway() =>
        Assert.Equal("{\"channels\":{\"orders\":{\"subscription_count\":1},\"presence-room.1\":{\"user_count\":2,\"subscription_count\":3}}}",
            S(ApiResponses.ChannelList([new ChannelInfo("orders", 1, 0), new ChannelInfo("presence-room.1", 3, 2)], None)));

    [Fact]
    public void Channel_list_with_user_count() =>
        Assert.Equal("{\"channels\":{\"presence-room.1\":{\"user_count\":2,\"subscription_count\":3},\"presence-lobby\":{\"user_count\":1,\"subscription_count\":1}}}",
            S(ApiResponses.ChannelList([new ChannelInfo("presence-room.1", 3, 2), new ChannelInfo("presence-lobby", 1, 1)], new HashSet<string> { "user_count" })));

    [Fact]
    public void Trigger_info_user_count_only_for_presence() =>
        Assert.Equal("{\"channels\":{\"presence-room.1\":{\"user_count\":2,\"subscription_count\":3},\"orders\":{\"subscription_count\":1},\"private-x\":{\"subscription_count\":0}}}",
            S(ApiResponses.TriggerInfo([new ChannelInfo("presence-room.1", 3, 2), new ChannelInfo("orders", 1, 0), new ChannelInfo("private-x", 0, 0)], Both)));

    [Fact]
    public void Batch_info_one_object_per_item() =>
        Assert.Equal("{\"batch\":[{},{\"user_count\":2}]}",
            S(ApiResponses.BatchInfo([(new ChannelInfo("orders", 1, 0), None), (new ChannelInfo("presence-room.1", 3, 2), new HashSet<string> { "user_count" })])));

    [Theory]
    [InlineData(0, "{\"occupied\":false,\"user_count\":1,\"subscription_count\":0}")]
    [InlineData(3, "{\"occupied\":true,\"user_count\":1,\"subscription_count\":3}")]
    public void Channel_always_has_occupied(int subscriptions, string expected) =>
        Assert.Equal(expected, S(ApiResponses.Channel(new ChannelInfo("presence-room.1", subscriptions, 1), None)));

    [Fact]
    public void Channel_with_counts()
    {
        Assert.Equal("{\"occupied\":true,\"user_count\":2,\"subscription_count\":3}",
            S(ApiResponses.Channel(new ChannelInfo("presence-room.1", 3, 2), Both)));
        Assert.Equal("{\"occupied\":true,\"user_count\":2,\"subscription_count\":3}",
            S(ApiResponses.Channel(new ChannelInfo("presence-cache-room", 3, 2), Both)));
        Assert.Equal("{\"occupied\":true,\"subscription_count\":3}",
            S(ApiResponses.Channel(new ChannelInfo("private-orders.42", 3, 2), Both)));
        Assert.Equal("{\"occupied\":false,\"subscription_count\":0}",
            S(ApiResponses.Channel(new ChannelInfo("orders", 0, 0), new HashSet<string> { "subscription_count" })));
    }

    [Fact]
    public void Users_shape()
    {
        var bytes = ApiResponses.Users(["42", "7"]);
        Assert.Equal("{\"users\":[{\"id\":\"42\"},{\"id\":\"7\"}]}", S(bytes));
        using var doc = JsonDocument.Parse(bytes);
        Assert.All(doc.RootElement.GetProperty("users").EnumerateArray(), u => Assert.Equal(JsonValueKind.String, u.GetProperty("id").ValueKind));
    }

    [Fact]
    public void Channel_names_are_not_html_escaped()
    {
        var text = S(ApiResponses.ChannelList([new ChannelInfo("a@b,c;d=e", 1, 0)], None));
        Assert.Equal("{\"channels\":{\"a@b,c;d=e\":{\"subscription_count\":1}}}", text);
    }

    [Fact]
    public void Cache_info_shows_the_cached_event_on_cache_channels_only()
    {
        var cache = new HashSet<string> { "cache" };
        var cached = new CachedEvent("price", "{\"eur\":1.07}", 1799);
        Assert.Equal("{\"occupied\":false,\"subscription_count\":0,\"cache\":{\"event\":\"price\",\"data\":\"{\\\"eur\\\":1.07}\",\"ttl\":1799}}",
            S(ApiResponses.Channel(new ChannelInfo("cache-prices", 0, 0), cache, cached)));
        // Nothing cached, not asked for, or not a cache channel: no field.
        Assert.Equal("{\"occupied\":false,\"subscription_count\":0}", S(ApiResponses.Channel(new ChannelInfo("cache-prices", 0, 0), cache)));
        Assert.Equal("{\"occupied\":false,\"subscription_count\":0}", S(ApiResponses.Channel(new ChannelInfo("cache-prices", 0, 0), None, cached)));
        Assert.Equal("{\"occupied\":false,\"subscription_count\":0}", S(ApiResponses.Channel(new ChannelInfo("prices", 0, 0), cache, cached)));
    }
}
