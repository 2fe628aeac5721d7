using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionClientEventTests : ActorTestBase
{
    /// <summary>Publishes a marker event on the channel and expects it to be the next frame on each client.</summary>
    private static void ExpectNothingBefore(LocalChannels channels, string channel, params Client[] clients)
    {
        Publish(channels, channel, EventBytes("marker", channel), null);
        foreach (var client in clients) client.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Disabled_client_messages_give_error_4301_on_the_channel()
    {
        var channels = NewChannels();
        var app = MakeApp(clientMessages: false);
        var sender = Connect(channels, app);
        var other = Connect(channels, app);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        Send(sender, ClientEventJson("client-typing", "private-chat"));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4301, error.ErrorCode());
        Assert.Equal("private-chat", error.Channel);
        ExpectNothingBefore(channels, "private-chat", sender, other);
        Assert.Empty(sender.Socket.Closes);
    }

    [Fact]
    public void Client_event_on_a_channel_not_subscribed_is_an_error()
    {
        var channels = NewChannels();
        var sender = Connect(channels);
        var other = Connect(channels);
        SubscribeOk(other, "private-chat");

        Send(sender, ClientEventJson("client-typing", "private-chat"));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4009, error.ErrorCode());
        Assert.Equal("private-chat", error.Channel);
        ExpectNothingBefore(channels, "private-chat", other);
    }

    [Theory]
    [InlineData("public-chat")]
    [InlineData("private-encrypted-chat")]
    public void Client_event_on_public_or_encrypted_channel_is_an_error(string channel)
    {
        var channels = NewChannels();
        var sender = Connect(channels);
        var other = Connect(channels);
        SubscribeOk(sender, channel);
        SubscribeOk(other, channel);

        Send(sender, ClientEventJson("client-typing", channel));

        var error = sender.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4301, error.ErrorCode());
        ExpectNothingBefore(channels, channel, sender, other);
    }

    [Fact]
    public void Private_client_event_reaches_others_unchanged_and_is_not_echoed()
    {
        var channels = NewChannels();
        var sender = Connect(channels);
        var other = Connect(channels);
        SubscribeOk(sender, "private-chat");
        SubscribeOk(other, "private-chat");

        Send(sender, """{"event":"client-typing","channel":"private-chat","data":{"typing":true},"extra":"dropped"}""");

        var relayed = other.Probe.ExpectFrame("client-typing");
        Assert.Equal("""{"event":"client-typing","channel":"private-chat","data":{"typing":true}}""", relayed.Raw);
        ExpectNothingBefore(channels, "private-chat", sender);
    }

    [Fact]
    public void String_data_stays_a_string()
    {
        var channels = NewChannels();
        var sender = Connect(channels);
        var other = Connect(channels);
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
        var channels = NewChannels();
        var sender = Connect(channels);
        var other = Connect(channels);
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
        var channels = NewChannels();
        var settings = new ConnectionSettings { Limits = ProtocolLimits.Default with { MaxEventDataBytes = 16 } };
        var sender = Connect(channels, settings: settings);
        SubscribeOk(sender, "private-chat");

        Send(sender, ClientEventJson("client-big", "private-chat", "\"" + new string('x', 32) + "\""));

        Assert.Equal(4301, sender.Probe.ExpectFrame("pusher:error").ErrorCode());
        Assert.Empty(sender.Socket.Closes);
    }

    [Fact]
    public void Client_events_beyond_the_rate_are_rejected_with_4301_and_the_connection_stays_open()
    {
        var channels = NewChannels();
        var settings = new ConnectionSettings { Limits = ProtocolLimits.Default with { ClientEventsPerSecond = 3 } };
        var sender = Connect(channels, settings: settings);
        var other = Connect(channels, settings: settings);
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
        // Every event that was not rejected reaches the other subscriber, in order; a rejected one never left the sender.
        var delivered = Enumerable.Range(0, 10 - rejected).Select(_ => other.Probe.ExpectFrame("client-n").Data!.Value.GetInt32()).ToList();

        // The bucket starts full (3) and refills at 3/s: at most one more token while the frames are handled.
        Assert.InRange(delivered.Count, 3, 4);
        Assert.Equal(Enumerable.Range(0, delivered.Count), delivered);
        Assert.Equal(10, delivered.Count + rejected);
        Assert.Empty(sender.Socket.Closes);
    }
}
