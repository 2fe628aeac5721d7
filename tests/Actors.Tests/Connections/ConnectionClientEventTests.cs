using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionClientEventTests : ActorTestBase
{
    /// <summary>Publishes a marker event on the channel and expects it to be the next frame on each client.</summary>
    private static void ExpectNothingBefore(Akka.Actor.IActorRef registry, string channel, params Client[] clients)
    {
        Publish(registry, channel, EventBytes("marker", channel), null);
        foreach (var client in clients) client.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Disabled_client_messages_give_error_4301_on_the_channel()
    {
        var registry = NewRegistry();
        var app = MakeApp(clientMessages: false);
        var sender = Connect(registry, app);
        var other = Connect(registry, app);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        Send(sender, ClientEventJson("client-typing", "private-chat"));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4301, error.ErrorCode());
        Assert.Equal("private-chat", error.Channel);
        ExpectNothingBefore(registry, "private-chat", sender, other);
        Assert.Empty(sender.Socket.Closes);
    }

    [Fact]
    public void Client_event_on_a_channel_not_subscribed_is_an_error()
    {
        var registry = NewRegistry();
        var sender = Connect(registry);
        var other = Connect(registry);
        SubscribeOk(other, "private-chat");

        Send(sender, ClientEventJson("client-typing", "private-chat"));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4009, error.ErrorCode());
        Assert.Equal("private-chat", error.Channel);
        ExpectNothingBefore(registry, "private-chat", other);
    }

    [Theory]
    [InlineData("public-chat")]
    [InlineData("private-encrypted-chat")]
    public void Client_event_on_public_or_encrypted_channel_is_an_error(string channel)
    {
        var registry = NewRegistry();
        var sender = Connect(registry);
        var other = Connect(registry);
        SubscribeOk(sender, channel);
        SubscribeOk(other, channel);

        Send(sender, ClientEventJson("client-typing", channel));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4301, error.ErrorCode());
        ExpectNothingBefore(registry, channel, sender, other);
    }

    [Fact]
    public void Private_client_event_reaches_others_unchanged_and_is_not_echoed()
    {
        var registry = NewRegistry();
        var sender = Connect(registry);
        var other = Connect(registry);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        Send(sender, """{"event":"client-typing","channel":"private-chat","data":{"typing":true},"extra":"dropped"}""");

        var relayed = other.Probe.ExpectFrame("client-typing");
        Assert.Equal("""{"event":"client-typing","channel":"private-chat","data":{"typing":true}}""", relayed.Raw);
        ExpectNothingBefore(registry, "private-chat", sender);
    }

    [Fact]
    public void String_data_stays_a_string()
    {
        var registry = NewRegistry();
        var sender = Connect(registry);
        var other = Connect(registry);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        Send(sender, ClientEventJson("client-msg", "private-chat", "\"hello\""));

        var relayed = other.Probe.ExpectFrame("client-msg");
        Assert.True(relayed.DataIsString);
        Assert.Equal("hello", relayed.Data!.Value.GetString());
    }

    [Fact]
    public void Presence_client_event_carries_the_sender_user_id()
    {
        var registry = NewRegistry();
        var sender = Connect(registry);
        var other = Connect(registry);
        SubscribeOk(sender, "presence-room", PresenceData("42"));
        SubscribeOk(other, "presence-room", PresenceData("7"));
        sender.Probe.ExpectFrame("pusher_internal:member_added");

        Send(sender, ClientEventJson("client-typing", "presence-room"));

        var relayed = other.Probe.ExpectFrame("client-typing");
        Assert.Equal("42", relayed.UserId);
        Assert.Equal("presence-room", relayed.Channel);
    }

    [Fact]
    public void Oversized_client_event_is_rejected_with_4301()
    {
        var registry = NewRegistry();
        var settings = new ConnectionSettings { Limits = ProtocolLimits.Default with { MaxEventDataBytes = 16 } };
        var sender = Connect(registry, settings: settings);
        SubscribeOk(sender, "private-chat");

        Send(sender, ClientEventJson("client-big", "private-chat", "\"" + new string('x', 32) + "\""));

        Assert.Equal(4301, sender.Probe.ExpectFrame("pusher:error").ErrorCode());
        Assert.Empty(sender.Socket.Closes);
    }

    [Fact]
    public void Client_events_beyond_the_rate_are_rejected_with_4301_and_the_connection_stays_open()
    {
        var registry = NewRegistry();
        var settings = new ConnectionSettings { Limits = ProtocolLimits.Default with { ClientEventsPerSecond = 3 } };
        var sender = Connect(registry, settings: settings);
        var other = Connect(registry, settings: settings);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        for (var i = 0; i < 10; i++) Send(sender, ClientEventJson("client-n", "private-chat", i.ToString()));
        Send(sender, """{"event":"pusher:ping","data":{}}""");

        // Everything the sender got before its pong: one rate-limit error per rejected event.
        var rejected = 0;
        for (Frame f; (f = sender.Probe.ExpectSent().Parse()).Event != "pusher:pong"; rejected++)
        {
            Assert.Equal("pusher:error", f.Event);
            Assert.Equal(4301, f.ErrorCode());
            Assert.Equal("Client event rejected due to rate limit", f.DataJson.GetProperty("message").GetString());
        }
        // The pong proves every accepted event was already handed to the registry: the marker comes after them.
        var delivered = new List<int>();
        Publish(registry, "private-chat", EventBytes("marker", "private-chat"), null);
        for (Frame f; (f = other.Probe.ExpectSent().Parse()).Event != "marker";) delivered.Add(f.Data!.Value.GetInt32());

        // The bucket starts full (3) and refills at 3/s: at most one more token while the frames are handled.
        Assert.InRange(delivered.Count, 3, 4);
        Assert.Equal(Enumerable.Range(0, delivered.Count), delivered);
        Assert.Equal(10, delivered.Count + rejected);
        Assert.Empty(sender.Socket.Closes);
    }
}
