using System.Text;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 4: client events.</summary>
public class ClientEventTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    private static string ClientEvent(string channel, string name = "client-typing", string data = """{"typing":true}""") =>
        $"{{\"event\":\"{name}\",\"channel\":\"{channel}\",\"data\":{data}}}";

    private async Task<(PusherClient Sender, PusherClient Receiver)> PairAsync(string channel, string? senderData = null, string? receiverData = null)
    {
        var sender = await fixture.Server.ConnectAsync();
        var receiver = await fixture.Server.ConnectAsync();
        await sender.SubscribeAsync(channel, senderData);
        await receiver.SubscribeAsync(channel, receiverData);
        if (senderData is not null) await sender.ExpectAsync("pusher_internal:member_added");
        return (sender, receiver);
    }

    [Fact]
    public async Task Disabled_for_the_app_gives_4301()
    {
        await using var client = await PusherClient.ConnectAsync(fixture.Server.Port, TestApps.NoClientEvents);
        await client.SubscribeAsync("private-noclient");
        await client.SendAsync(ClientEvent("private-noclient"));
        var error = await client.ExpectAsync("pusher:error");
        Assert.Equal(4301, error.ErrorCode);
        Assert.Equal("private-noclient", error.Channel);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Private_channel_event_reaches_the_other_subscriber_but_not_the_sender()
    {
        const string channel = "private-chat";
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        await sender.SendAsync("""{"event":"client-typing","channel":"private-chat","data":{"typing":true},"extra":"dropped"}""");
        var frame = await receiver.ExpectAsync("client-typing");
        Assert.Equal(channel, frame.Channel);
        Assert.Equal(JsonValueKind.Object, frame.Data.ValueKind);
        Assert.True(frame.Data.GetProperty("typing").GetBoolean());
        Assert.Null(frame.UserId);
        Assert.Equal(["channel", "data", "event"], frame.Root.EnumerateObject().Select(p => p.Name).Order().ToArray());

        // String data stays a string.
        await sender.SendAsync("""{"event":"client-note","channel":"private-chat","data":"just text"}""");
        Assert.Equal("just text", (await receiver.ExpectAsync("client-note")).DataString);

        // Not echoed: the next thing the sender gets from the channel is the barrier.
        await Api.TriggerOkAsync(channel, "barrier", "b");
        Assert.Equal("barrier", (await sender.ReceiveAsync()).Event);
        Assert.Equal("barrier", (await receiver.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Presence_channel_event_carries_the_sender_user_id_at_top_level()
    {
        const string channel = "presence-chat";
        var (sender, receiver) = await PairAsync(channel, """{"user_id":42}""", """{"user_id":"7"}""");
        await using var s = sender;
        await using var r = receiver;
        await sender.SendAsync(ClientEvent(channel));
        var frame = await receiver.ExpectAsync("client-typing");
        Assert.Equal("42", frame.UserId);
        Assert.False(frame.Data.TryGetProperty("user_id", out _));
    }

    [Fact]
    public async Task Presence_user_id_stays_the_members_identity_after_a_repeated_subscribe_as_another_user()
    {
        // A repeated subscribe has no side effects (PROTOCOL.md 2.3): the roster keeps "a", so relayed events must say "a" too.
        const string channel = "presence-resubscribe";
        var (sender, receiver) = await PairAsync(channel, """{"user_id":"a"}""", """{"user_id":"r"}""");
        await using var s = sender;
        await using var r = receiver;
        await sender.SubscribeAsync(channel, """{"user_id":"b"}""");
        var users = await Api.GetAsync($"channels/{channel}/users");
        Assert.Equal(["a", "r"], users.Json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).Order().ToArray());
        await sender.SendAsync(ClientEvent(channel));
        var frame = await receiver.ExpectAsync("client-typing");
        Assert.Equal("a", frame.UserId);
    }

    [Theory]
    [InlineData("client-public")]
    [InlineData("private-encrypted-client")]
    public async Task Public_and_encrypted_channels_reject_client_events(string channel)
    {
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        await sender.SendAsync(ClientEvent(channel));
        var error = await sender.ExpectAsync("pusher:error");
        Assert.Equal(channel, error.Channel);
        await sender.PingPongAsync();
        await Api.TriggerOkAsync(channel, "barrier", "b");
        Assert.Equal("barrier", (await receiver.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Sender_must_be_subscribed()
    {
        await using var receiver = await fixture.Server.ConnectAsync();
        await receiver.SubscribeAsync("private-members-only");
        await using var outsider = await fixture.Server.ConnectAsync();
        await outsider.SendAsync(ClientEvent("private-members-only"));
        var error = await outsider.ExpectAsync("pusher:error");
        Assert.Equal("private-members-only", error.Channel);
        await outsider.PingPongAsync();
        await Api.TriggerOkAsync("private-members-only", "barrier", "b");
        Assert.Equal("barrier", (await receiver.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Client_event_without_a_channel_is_an_error()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"client-nowhere","data":{}}""");
        await client.ExpectAsync("pusher:error");
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Rate_limit_rejects_the_excess_with_4301_and_keeps_the_connection()
    {
        const string channel = "private-burst";
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        Assert.Equal(10, fixture.Server.Options.Limits.ClientEventsPerSecond);
        for (var i = 0; i < 30; i++) await sender.SendAsync(ClientEvent(channel, "client-burst", $"{{\"i\":{i}}}"));
        await sender.SendAsync("""{"event":"pusher:ping","data":{}}""");
        var rejected = 0;
        while (true)
        {
            var frame = await sender.ReceiveAsync();
            if (frame.Event == "pusher:pong") break;
            Assert.Equal(4301, frame.ErrorCode);
            Assert.Equal(channel, frame.Channel);
            rejected++;
        }
        Assert.InRange(rejected, 1, 20);

        await Api.TriggerOkAsync(channel, "barrier", "b");
        var delivered = new List<int>();
        while (true)
        {
            var frame = await receiver.ReceiveAsync();
            if (frame.Event == "barrier") break;
            Assert.Equal("client-burst", frame.Event);
            delivered.Add(frame.Data.GetProperty("i").GetInt32());
        }
        Assert.Equal(30, delivered.Count + rejected);
        Assert.Equal(delivered.Order(), delivered);
        Assert.Equal(Enumerable.Range(0, 10), delivered.Take(10));
        Assert.Equal("barrier", (await sender.ReceiveAsync()).Event);
        await sender.PingPongAsync();
    }

    [Fact]
    public async Task Data_over_10240_bytes_gives_4301()
    {
        const string channel = "private-big";
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        await sender.SendAsync(ClientEvent(channel, "client-big", JsonSerializer.Serialize(new string('x', 10241))));
        var error = await sender.ExpectAsync("pusher:error");
        Assert.Equal(4301, error.ErrorCode);
        await sender.SendAsync(ClientEvent(channel, "client-big", $"{{\"pad\":\"{new string('x', 10300)}\"}}"));
        Assert.Equal(4301, (await sender.ExpectAsync("pusher:error")).ErrorCode);
        await sender.PingPongAsync();
        await Api.TriggerOkAsync(channel, "barrier", "b");
        Assert.Equal("barrier", (await receiver.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Data_string_of_exactly_10240_bytes_is_accepted()
    {
        // PROTOCOL.md 10.18: the limit applies to the data string; exactly the limit is accepted.
        const string channel = "private-exact";
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        var data = new string('x', 10240);
        Assert.Equal(10240, Encoding.UTF8.GetByteCount(data));
        await sender.SendAsync(ClientEvent(channel, "client-exact", JsonSerializer.Serialize(data)));
        // No error for the sender: its next frame answers this ping.
        await sender.PingPongAsync();
        var frame = await receiver.ReceiveAsync();
        Assert.True(frame.Event == "client-exact", $"Expected client-exact, got {frame.Raw[..Math.Min(200, frame.Raw.Length)]}");
        Assert.Equal(data, frame.DataString);
    }

    [Fact]
    public async Task Event_name_over_200_characters_gives_4301()
    {
        const string channel = "private-long-name";
        var (sender, receiver) = await PairAsync(channel);
        await using var s = sender;
        await using var r = receiver;
        await sender.SendAsync(ClientEvent(channel, "client-" + new string('n', 194)));
        Assert.Equal(4301, (await sender.ExpectAsync("pusher:error")).ErrorCode);
        await sender.PingPongAsync();
    }
}
