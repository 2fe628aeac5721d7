using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 2.5, 2.6: presence rosters, member_added / member_removed and the member limit.</summary>
public class PresenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    private static string Member(string userIdJson, string? infoJson = null) =>
        infoJson is null ? $"{{\"user_id\":{userIdJson}}}" : $"{{\"user_id\":{userIdJson},\"user_info\":{infoJson}}}";

    private static JsonElement Presence(Frame succeeded) => succeeded.InnerData.GetProperty("presence");

    /// <summary>Triggers an event on the channel; it must be the next frame each client receives.</summary>
    private async Task BarrierAsync(string channel, params PusherClient[] clients)
    {
        var name = "barrier-" + Guid.NewGuid().ToString("N")[..8];
        await Api.TriggerOkAsync(channel, name, "b");
        foreach (var c in clients)
        {
            var frame = await c.ReceiveAsync();
            Assert.True(frame.Event == name, $"Expected the barrier {name} but got {frame.Raw}");
        }
    }

    [Fact]
    public async Task Subscription_succeeded_carries_ids_hash_and_count_with_numeric_id_as_string()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var frame = await client.SubscribeAsync("presence-foobar", Member("10", """{"name":"Mr. Pusher"}"""));
        Assert.Equal(JsonValueKind.String, frame.Data.ValueKind);
        var presence = Presence(frame);
        Assert.Equal(["10"], presence.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!).ToArray());
        Assert.Equal(JsonValueKind.String, presence.GetProperty("ids")[0].ValueKind);
        Assert.Equal("Mr. Pusher", presence.GetProperty("hash").GetProperty("10").GetProperty("name").GetString());
        Assert.Equal(1, presence.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Member_without_user_info_gets_an_empty_object()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var presence = Presence(await client.SubscribeAsync("presence-no-info", Member("\"u-7\"")));
        Assert.Equal(JsonValueKind.Object, presence.GetProperty("hash").GetProperty("u-7").ValueKind);
    }

    [Fact]
    public async Task Channel_data_is_verified_exactly_as_sent()
    {
        await using var client = await fixture.Server.ConnectAsync();
        // PHP-style escaping: signed as sent, never re-serialised.
        var channelData = """{"user_id":"42","user_info":{"name":"Zo\u00eb","avatar":"https:\/\/example.com\/a.png"}}""";
        var presence = Presence(await client.SubscribeAsync("presence-escaped", channelData));
        Assert.Equal("Zoë", presence.GetProperty("hash").GetProperty("42").GetProperty("name").GetString());

        // Signed over one channel_data, sent with another (same member, different bytes) → refused.
        var other = """{"user_id":"42","user_info":{"name":"Zoë","avatar":"https://example.com/a.png"}}""";
        await client.SendSubscribeAsync("presence-escaped-2", client.Auth("presence-escaped-2", channelData), other);
        await client.ExpectSubscriptionErrorAsync("presence-escaped-2", "AuthError", 401);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Presence_subscribe_without_channel_data_when_not_signed_in_is_refused_and_the_connection_stays_open()
    {
        // Signed with the private formula (socket_id:channel), as a signed-in client would; this one never signed in.
        await using var client = await fixture.Server.ConnectAsync();
        const string channel = "presence-no-channel-data";
        await client.SendSubscribeAsync(channel, client.Auth(channel));
        var frame = await client.ExpectAsync("pusher:subscription_error");
        Assert.Equal(channel, frame.Channel);
        await client.PingPongAsync();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"user_info":{}}""")]
    [InlineData("""{"user_id":""}""")]
    [InlineData("""{"user_id":null}""")]
    [InlineData("""{"user_id":{"nested":1}}""")]
    [InlineData("[1,2]")]
    public async Task Missing_or_invalid_channel_data_is_refused(string? channelData)
    {
        await using var client = await fixture.Server.ConnectAsync();
        var channel = "presence-bad-data";
        await client.SendSubscribeAsync(channel, client.Auth(channel, channelData), channelData);
        var frame = await client.ExpectAsync("pusher:subscription_error");
        Assert.Equal(channel, frame.Channel);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task User_info_and_user_id_size_limits_are_enforced()
    {
        await using var client = await fixture.Server.ConnectAsync();
        // user_info JSON of exactly 1024 bytes is accepted, 1025 is refused.
        string Info(int bytes) => $"{{\"n\":\"{new string('i', bytes - 8)}\"}}";
        Assert.Equal(1024, Info(1024).Length);
        await client.SubscribeAsync("presence-info-limit-ok", $"{{\"user_id\":\"1\",\"user_info\":{Info(1024)}}}");
        var tooBig = $"{{\"user_id\":\"1\",\"user_info\":{Info(1025)}}}";
        await client.SendSubscribeAsync("presence-info-limit", client.Auth("presence-info-limit", tooBig), tooBig);
        // A limit, not a bad signature (PROTOCOL.md 2.9): the signature over this channel_data is right.
        await client.ExpectSubscriptionErrorAsync("presence-info-limit", "LimitReached", 4100);

        await client.SubscribeAsync("presence-id-limit-ok", $"{{\"user_id\":\"{new string('u', 128)}\"}}");
        var longId = $"{{\"user_id\":\"{new string('u', 129)}\"}}";
        await client.SendSubscribeAsync("presence-id-limit", client.Auth("presence-id-limit", longId), longId);
        await client.ExpectSubscriptionErrorAsync("presence-id-limit", "AuthError", 400);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Member_added_only_on_first_connection_and_removed_only_on_last()
    {
        const string channel = "presence-room.1";
        await using var alice = await fixture.Server.ConnectAsync();
        await alice.SubscribeAsync(channel, Member("1", """{"name":"Alice"}"""));

        await using var bobTab1 = await fixture.Server.ConnectAsync();
        var succeeded = await bobTab1.SubscribeAsync(channel, Member("\"2\"", """{"name":"Bob"}"""));
        var presence = Presence(succeeded);
        Assert.Equal(2, presence.GetProperty("count").GetInt32());
        Assert.Equal(["1", "2"], presence.GetProperty("ids").EnumerateArray().Select(i => i.GetString()!).Order().ToArray());
        Assert.Equal("Alice", presence.GetProperty("hash").GetProperty("1").GetProperty("name").GetString());

        var added = await alice.ExpectAsync("pusher_internal:member_added");
        Assert.Equal(channel, added.Channel);
        Assert.Equal("2", added.InnerData.GetProperty("user_id").GetString());
        Assert.Equal("Bob", added.InnerData.GetProperty("user_info").GetProperty("name").GetString());

        // Bob's second tab (numeric 2 is the same user as "2"): nobody hears about it, and Bob sees no member_added for himself.
        await using var bobTab2 = await fixture.Server.ConnectAsync();
        var second = Presence(await bobTab2.SubscribeAsync(channel, Member("2", """{"name":"Bob again"}""")));
        Assert.Equal(2, second.GetProperty("count").GetInt32());
        Assert.Equal("Bob", second.GetProperty("hash").GetProperty("2").GetProperty("name").GetString());
        await BarrierAsync(channel, alice, bobTab1, bobTab2);

        // Users API: one entry per user, ids as strings.
        var users = await Api.GetAsync($"channels/{channel}/users");
        users.AssertOk();
        Assert.Equal(["1", "2"], users.Json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).Order().ToArray());

        // First tab leaves: Bob is still present, no member_removed.
        await bobTab1.CloseAsync();
        await Eventually.WaitAsync(async () =>
            (await Api.GetAsync($"channels/{channel}", "info", "subscription_count")).Json.GetProperty("subscription_count").GetInt32() == 2,
            TimeSpan.FromSeconds(5), "the first tab to leave the channel");
        await BarrierAsync(channel, alice, bobTab2);

        // Last tab leaves: member_removed for Bob.
        await bobTab2.SendJsonAsync(new { @event = "pusher:unsubscribe", data = new { channel } });
        var removed = await alice.ExpectAsync("pusher_internal:member_removed");
        Assert.Equal(channel, removed.Channel);
        Assert.Equal("2", removed.InnerData.GetProperty("user_id").GetString());
        await bobTab2.PingPongAsync();
    }

    [Fact]
    public async Task Repeated_subscribe_answers_again_without_a_second_member_added()
    {
        const string channel = "presence-repeat";
        await using var alice = await fixture.Server.ConnectAsync();
        await alice.SubscribeAsync(channel, Member("\"a\""));
        await using var bob = await fixture.Server.ConnectAsync();
        await bob.SubscribeAsync(channel, Member("\"b\""));
        Assert.Equal("b", (await alice.ExpectAsync("pusher_internal:member_added")).InnerData.GetProperty("user_id").GetString());

        var again = Presence(await bob.SubscribeAsync(channel, Member("\"b\"")));
        Assert.Equal(2, again.GetProperty("count").GetInt32());
        await BarrierAsync(channel, alice, bob);
    }

    [Fact]
    public async Task Member_limit_refuses_a_new_user_with_LimitReached_but_admits_another_tab_of_a_member()
    {
        var options = TestServers.DefaultOptions() with { Limits = ProtocolLimits.Default with { MaxPresenceMembers = 2 } };
        await using var server = await TestServers.StartAsync(options);
        const string channel = "presence-full";
        await using var one = await server.ConnectAsync();
        await one.SubscribeAsync(channel, Member("\"1\""));
        await using var two = await server.ConnectAsync();
        await two.SubscribeAsync(channel, Member("\"2\""));
        await one.ExpectAsync("pusher_internal:member_added");

        await using var three = await server.ConnectAsync();
        await three.SendSubscribeAsync(channel, three.Auth(channel, Member("\"3\"")), Member("\"3\""));
        await three.ExpectSubscriptionErrorAsync(channel, "LimitReached");
        await three.PingPongAsync();

        await using var twoAgain = await server.ConnectAsync();
        Assert.Equal(2, Presence(await twoAgain.SubscribeAsync(channel, Member("\"2\""))).GetProperty("count").GetInt32());

        // The refused user was never announced, and receives nothing from the channel.
        var barrier = server.Api();
        await barrier.TriggerOkAsync(channel, "after-limit", "x");
        Assert.Equal("after-limit", (await one.ReceiveAsync()).Event);
        await three.PingPongAsync();
    }
}
