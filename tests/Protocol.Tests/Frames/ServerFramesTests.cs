using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Protocol.Tests.Frames;

/// <summary>Shapes of server → client frames (PROTOCOL.md 1.2, 1.4, 1.6, 2.5, 2.6, 2.9, 3, 4, 5.1).</summary>
public class ServerFramesTests
{
    private static JsonElement Parse(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        return doc.RootElement.Clone();
    }

    private static JsonElement ParseString(JsonElement stringValue)
    {
        Assert.Equal(JsonValueKind.String, stringValue.ValueKind);
        using var doc = JsonDocument.Parse(stringValue.GetString()!);
        return doc.RootElement.Clone();
    }

    private static string[] Keys(JsonElement o) => o.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Connection_established_data_is_a_string()
    {
        var f = Parse(ServerFrames.ConnectionEstablished("123.456", 120));
        Assert.Equal(["event", "data"], Keys(f));
        Assert.Equal("pusher:connection_established", f.Str("event"));
        var data = ParseString(f.GetProperty("data"));
        Assert.Equal(["socket_id", "activity_timeout"], Keys(data));
        Assert.Equal("123.456", data.Str("socket_id"));
        Assert.Equal(120, data.GetProperty("activity_timeout").GetInt32());
        Assert.Equal("{\"event\":\"pusher:connection_established\",\"data\":\"{\\\"socket_id\\\":\\\"123.456\\\",\\\"activity_timeout\\\":120}\"}",
            Encoding.UTF8.GetString(ServerFrames.ConnectionEstablished("123.456", 120)));
    }

    [Fact]
    public void Error_data_is_an_object_with_code()
    {
        var f = Parse(ServerFrames.Error(4009, "Connection is unauthorized"));
        Assert.Equal(["event", "data"], Keys(f));
        Assert.Equal("pusher:error", f.Str("event"));
        var data = f.GetProperty("data");
        Assert.Equal(JsonValueKind.Object, data.ValueKind);
        Assert.Equal(4009, data.GetProperty("code").GetInt32());
        Assert.Equal("Connection is unauthorized", data.Str("message"));
    }

    [Fact]
    public void Error_with_null_code_and_channel()
    {
        var f = Parse(ServerFrames.Error(null, "Invalid signature", "private-a"));
        Assert.Equal("private-a", f.Str("channel"));
        var data = f.GetProperty("data");
        Assert.Equal(JsonValueKind.Null, data.GetProperty("code").ValueKind);
        Assert.Equal("Invalid signature", data.Str("message"));
        Assert.Equal(["code", "message"], Keys(data));
    }

    [Fact]
    public void Ping_and_pong_have_empty_object_data()
    {
        Assert.Equal("{\"event\":\"pusher:ping\",\"data\":{}}", Encoding.UTF8.GetString(ServerFrames.Ping));
        Assert.Equal("{\"event\":\"pusher:pong\",\"data\":{}}", Encoding.UTF8.GetString(ServerFrames.Pong));
    }

    [Fact]
    public void Subscription_succeeded_data_is_string_of_empty_object()
    {
        var f = Parse(ServerFrames.SubscriptionSucceeded("private-orders.42"));
        Assert.Equal("pusher_internal:subscription_succeeded", f.Str("event"));
        Assert.Equal("private-orders.42", f.Str("channel"));
        Assert.Equal("{}", f.Str("data"));
    }

    [Fact]
    public void Presence_subscription_succeeded_has_ids_hash_and_count()
    {
        var members = new[] { new PresenceMember("42", "{\"name\":\"Zoë\"}"), new PresenceMember("7", "{\"name\":\"Bob\"}") };
        var bytes = ServerFrames.PresenceSubscriptionSucceeded("presence-room.1", members);
        var f = Parse(bytes);
        Assert.Equal("pusher_internal:subscription_succeeded", f.Str("event"));
        Assert.Equal("presence-room.1", f.Str("channel"));
        var data = ParseString(f.GetProperty("data"));
        Assert.Equal(["presence"], Keys(data));
        var presence = data.GetProperty("presence");
        Assert.Equal(["42", "7"], presence.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.All(presence.GetProperty("ids").EnumerateArray(), e => Assert.Equal(JsonValueKind.String, e.ValueKind));
        var hash = presence.GetProperty("hash");
        Assert.Equal(["42", "7"], Keys(hash));
        Assert.Equal("Zoë", hash.GetProperty("42").Str("name"));
        Assert.Equal("Bob", hash.GetProperty("7").Str("name"));
        Assert.Equal(2, presence.GetProperty("count").GetInt32());
        Assert.Equal("{\"event\":\"pusher_internal:subscription_succeeded\",\"channel\":\"presence-room.1\",\"data\":\"{\\\"presence\\\":{\\\"ids\\\":[\\\"42\\\",\\\"7\\\"],\\\"hash\\\":{\\\"42\\\":{\\\"name\\\":\\\"Zoë\\\"},\\\"7\\\":{\\\"name\\\":\\\"Bob\\\"}},\\\"count\\\":2}}\"}",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void Presence_subscription_succeeded_empty()
    {
        var presence = ParseString(Parse(ServerFrames.PresenceSubscriptionSucceeded("presence-a", [])).GetProperty("data")).GetProperty("presence");
        Assert.Empty(presence.GetProperty("ids").EnumerateArray());
        Assert.Equal(JsonValueKind.Object, presence.GetProperty("hash").ValueKind);
        Assert.Empty(presence.GetProperty("hash").EnumerateObject());
        Assert.Equal(0, presence.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Member_added_data_is_string_with_user_id_and_info()
    {
        var f = Parse(ServerFrames.MemberAdded("presence-room.1", new PresenceMember("42", "{\"name\":\"Zoë\"}")));
        Assert.Equal("pusher_internal:member_added", f.Str("event"));
        Assert.Equal("presence-room.1", f.Str("channel"));
        var data = ParseString(f.GetProperty("data"));
        Assert.Equal(["user_id", "user_info"], Keys(data));
        Assert.Equal("42", data.Str("user_id"));
        Assert.Equal("Zoë", data.GetProperty("user_info").Str("name"));
    }

    [Fact]
    public void Member_removed_data_is_string_with_user_id()
    {
        var f = Parse(ServerFrames.MemberRemoved("presence-room.1", "42"));
        Assert.Equal("pusher_internal:member_removed", f.Str("event"));
        Assert.Equal("presence-room.1", f.Str("channel"));
        Assert.Equal("{\"user_id\":\"42\"}", f.Str("data"));
    }

    [Fact]
    public void Subscription_error_shape()
    {
        var f = Parse(ServerFrames.SubscriptionError("private-x", "AuthError", "The connection is unauthorized.", 401));
        Assert.Equal(["event", "channel", "data"], Keys(f));
        Assert.Equal("pusher:subscription_error", f.Str("event"));
        Assert.Equal("private-x", f.Str("channel"));
        var data = f.GetProperty("data");
        Assert.Equal(JsonValueKind.Object, data.ValueKind);
        Assert.Equal(["type", "error", "status"], Keys(data));
        Assert.Equal("AuthError", data.Str("type"));
        Assert.Equal("The connection is unauthorized.", data.Str("error"));
        Assert.Equal(401, data.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("{\"id\":42,\"status\":\"shipped\"}")]
    [InlineData("hello")]
    [InlineData("")]
    [InlineData("Zoë 日本語 😀")]
    [InlineData("a\u2028b\u2029c")]
    [InlineData("{\"s\":\"\\u00e9\\/\\u002B\"}")]
    [InlineData("<script>alert('x')</script> & \"quoted\" \\ back")]
    [InlineData("tab\tnewline\ncr\rnul\0")]
    public void Channel_event_data_passes_through_unchanged(string data)
    {
        var f = Parse(ServerFrames.ChannelEvent("order-shipped", "private-orders.42", data));
        Assert.Equal(["event", "channel", "data"], Keys(f));
        Assert.Equal("order-shipped", f.Str("event"));
        Assert.Equal("private-orders.42", f.Str("channel"));
        Assert.Equal(JsonValueKind.String, f.GetProperty("data").ValueKind);
        Assert.Equal(data, f.Str("data"));
    }

    [Fact]
    public void Channel_event_hello_is_a_plain_string()
    {
        Assert.Equal("{\"event\":\"e\",\"channel\":\"c\",\"data\":\"hello\"}", Encoding.UTF8.GetString(ServerFrames.ChannelEvent("e", "c", "hello")));
        Assert.Equal(@"App\Events\OrderShipped", Parse(ServerFrames.ChannelEvent(@"App\Events\OrderShipped", "c", "x")).Str("event"));
    }

    [Fact]
    public void Client_event_keeps_object_and_adds_user_id()
    {
        var bytes = ServerFrames.ClientEvent("client-typing", "presence-room.1", "{\"typing\":true}", "42");
        Assert.Equal("{\"event\":\"client-typing\",\"channel\":\"presence-room.1\",\"data\":{\"typing\":true},\"user_id\":\"42\"}", Encoding.UTF8.GetString(bytes));
        var f = Parse(bytes);
        Assert.Equal(JsonValueKind.Object, f.GetProperty("data").ValueKind);
        Assert.Equal("42", f.Str("user_id"));
    }

    [Fact]
    public void Client_event_keeps_string_without_user_id()
    {
        var f = Parse(ServerFrames.ClientEvent("client-x", "private-a", "\"hello\"", null));
        Assert.Equal(["event", "channel", "data"], Keys(f));
        Assert.Equal(JsonValueKind.String, f.GetProperty("data").ValueKind);
        Assert.Equal("hello", f.Str("data"));
    }

    [Fact]
    public void Client_event_without_data()
    {
        var f = Parse(ServerFrames.ClientEvent("client-x", "private-a", null, "1"));
        Assert.Equal(["event", "channel", "user_id"], Keys(f));
    }

    [Fact]
    public void Client_event_relay_is_byte_exact_after_parsing()
    {
        const string raw = "{ \"s\":\"\\u00e9\\/\" , \"n\":1.50 }";
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes("{\"event\":\"client-x\",\"channel\":\"presence-a\",\"data\":" + raw + ",\"junk\":1}"), out var frame, out _));
        var text = Encoding.UTF8.GetString(ServerFrames.ClientEvent(frame!.Event, frame.Channel!, frame.RawData, "7"));
        Assert.Contains("\"data\":" + raw, text);
        Assert.DoesNotContain("junk", text);
        Assert.Equal("7", Parse(Encoding.UTF8.GetBytes(text)).Str("user_id"));
    }

    [Fact]
    public void Signin_success_and_cache_miss()
    {
        var s = Parse(ServerFrames.SigninSuccess("{\"id\":\"42\"}"));
        Assert.Equal("pusher:signin_success", s.Str("event"));
        Assert.Equal("{\"id\":\"42\"}", s.GetProperty("data").Str("user_data"));
        var c = Parse(ServerFrames.CacheMiss("cache-x"));
        Assert.Equal(["event", "channel"], Keys(c));
        Assert.Equal("pusher:cache_miss", c.Str("event"));
        Assert.Equal("cache-x", c.Str("channel"));
    }

    [Fact]
    public void Watchlist_events_carry_a_string_of_online_and_offline_entries_without_empty_ones()
    {
        var both = Parse(ServerFrames.WatchlistEvents(["7"], ["8", "9"]));
        Assert.Equal(["event", "data"], Keys(both));
        Assert.Equal("pusher_internal:watchlist_events", both.Str("event"));
        Assert.Equal("""{"events":[{"name":"online","user_ids":["7"]},{"name":"offline","user_ids":["8","9"]}]}""", both.Str("data"));
        Assert.Equal("""{"events":[{"name":"offline","user_ids":["8"]}]}""", Parse(ServerFrames.WatchlistEvents([], ["8"])).Str("data"));
    }

    [Fact]
    public void Subscription_count_data_is_a_string()
    {
        var frame = Parse(ServerFrames.SubscriptionCount("orders", 12));
        Assert.Equal("pusher_internal:subscription_count", frame.Str("event"));
        Assert.Equal("orders", frame.Str("channel"));
        Assert.Equal("""{"subscription_count":12}""", frame.Str("data"));
    }

    /// <summary>The writers are reused per thread and nesting level: frames built at once on many threads stay whole and apart.</summary>
    [Fact]
    public void Frames_built_on_many_threads_at_once_are_each_whole()
    {
        var ids = Enumerable.Range(0, 2_000).Select(i => $"{i}.{i * 7}").ToArray();
        var frames = new byte[ids.Length][];
        Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => frames[i] = ServerFrames.ConnectionEstablished(ids[i], 120));
        for (var i = 0; i < ids.Length; i++)
            Assert.Equal(ids[i], ParseString(Parse(frames[i]).GetProperty("data")).GetProperty("socket_id").GetString());
    }

    /// <summary>A frame bigger than the kept buffer, then small ones: none carries bytes of another.</summary>
    [Fact]
    public void A_huge_frame_does_not_leak_into_the_next_ones()
    {
        var huge = new string('x', 200_000);
        var big = ServerFrames.ChannelEvent("e", "c", huge);
        Assert.Equal(huge, Parse(big).GetProperty("data").GetString());
        var small = ServerFrames.ChannelEvent("e", "c", "y");
        Assert.Equal("""{"event":"e","channel":"c","data":"y"}""", Encoding.UTF8.GetString(small));
        var established = Parse(ServerFrames.ConnectionEstablished("1.2", 30));
        Assert.Equal(30, ParseString(established.GetProperty("data")).GetProperty("activity_timeout").GetInt32());
    }
}
