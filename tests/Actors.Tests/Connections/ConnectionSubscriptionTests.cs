using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Http;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionSubscriptionTests : ActorTestBase
{
    private static void AssertSubscriptionError(Frame frame, string channel, string type, int status)
    {
        Assert.Equal(channel, frame.Channel);
        Assert.Equal(type, frame.DataJson.GetProperty("type").GetString());
        Assert.Equal(status, frame.DataJson.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(frame.DataJson.GetProperty("error").GetString()));
    }

    [Fact]
    public void Public_subscribe_succeeds_with_data_string_braces_and_ignores_auth()
    {
        var client = Connect(NewChannels());

        Send(client, SubscribeJson("my-channel", auth: "garbage"));

        var ok = client.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Assert.Equal("my-channel", ok.Channel);
        Assert.True(ok.DataIsString);
        Assert.Equal("{}", ok.Data!.Value.GetString());
    }

    [Fact]
    public void Private_subscribe_with_valid_auth_succeeds()
    {
        var client = Connect(NewChannels());

        SubscribeOk(client, "private-orders.42");
    }

    [Theory]
    [InlineData("wrong-signature")]
    [InlineData("auth-for-other-socket")]
    [InlineData("wrong-key-prefix")]
    [InlineData("missing")]
    public void Private_subscribe_with_invalid_auth_gets_AuthError_and_stays_open(string variant)
    {
        var channels = NewChannels();
        var client = Connect(channels);
        const string channel = "private-orders.42";
        var valid = ChannelAuth(client.SocketId, channel);
        var auth = variant switch
        {
            "wrong-signature" => AppKey + ":" + new string('0', 64),
            "auth-for-other-socket" => ChannelAuth("1234.5678", channel),
            "wrong-key-prefix" => "other-key:" + valid[(AppKey.Length + 1)..],
            _ => null,
        };

        Send(client, SubscribeJson(channel, auth));

        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), channel, "AuthError", 401);
        Assert.Equal(0, Info(channels, channel).SubscriptionCount);
        Send(client, """{"event":"pusher:ping","data":{}}""");
        client.Probe.ExpectFrame("pusher:pong");
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void Private_encrypted_needs_auth_like_private()
    {
        var client = Connect(NewChannels());

        Send(client, SubscribeJson("private-encrypted-x"));
        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), "private-encrypted-x", "AuthError", 401);
        SubscribeOk(client, "private-encrypted-x");
    }

    [Theory]
    [InlineData("bad:name")]
    [InlineData("")]
    [InlineData("#server-to-user-")]
    public void Invalid_channel_name_gets_InvalidChannel(string channel)
    {
        var client = Connect(NewChannels());

        Send(client, SubscribeJson(channel));

        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), channel, "InvalidChannel", 400);
    }

    [Fact]
    public void Presence_subscribe_with_channel_data_lists_the_member()
    {
        var client = Connect(NewChannels());
        var channelData = PresenceData("42", """{"name":"Zoë"}""");

        var ok = SubscribeOk(client, "presence-room.1", channelData);

        var presence = ok.DataJson.GetProperty("presence");
        Assert.Equal(["42"], presence.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Zoë", presence.GetProperty("hash").GetProperty("42").GetProperty("name").GetString());
        Assert.Equal(1, presence.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Presence_numeric_user_id_is_the_same_user_as_its_string_form()
    {
        var channels = NewChannels();
        var a = Connect(channels);
        var b = Connect(channels);
        SubscribeOk(a, "presence-room", """{"user_id":10}""");

        var ok = SubscribeOk(b, "presence-room", """{"user_id":"10"}""");

        Assert.Equal(1, ok.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal("10", ok.DataJson.GetProperty("presence").GetProperty("ids")[0].GetString());
    }

    [Fact]
    public void Presence_channel_data_not_covered_by_the_signature_is_refused()
    {
        var client = Connect(NewChannels());
        const string channel = "presence-room";
        var auth = ChannelAuth(client.SocketId, channel, PresenceData("1"));

        Send(client, SubscribeJson(channel, auth, PresenceData("2")));

        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), channel, "AuthError", 401);
    }

    [Theory]
    [InlineData("""{"user_info":{}}""")]
    [InlineData("not json")]
    [InlineData("""{"user_id":""}""")]
    public void Presence_with_signed_but_unusable_channel_data_is_refused(string channelData)
    {
        var client = Connect(NewChannels());
        const string channel = "presence-room";

        Send(client, SubscribeJson(channel, ChannelAuth(client.SocketId, channel, channelData), channelData));

        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), channel, "AuthError", 400);
        Assert.Empty(client.Socket.Closes);
    }

    /// <summary>
    /// BUG (ConnectionActor.OnSubscribe): a presence subscribe without channel_data from a connection that is not
    /// signed in, carrying the private-form signature (socket_id:channel), reaches <c>_user!.AsMember()</c> with a
    /// null user: NullReferenceException, the supervisor stops the actor and the socket is closed with 4200 instead
    /// of getting a subscription error (PROTOCOL.md 2.6: reject unless signed in).
    /// </summary>
    [Fact]
    public void Presence_without_channel_data_when_not_signed_in_is_refused_without_crashing()
    {
        var client = Connect(NewChannels());
        const string channel = "presence-room";

        Send(client, SubscribeJson(channel, ChannelAuth(client.SocketId, channel)));

        AssertSubscriptionError(client.Probe.ExpectFrame("pusher:subscription_error"), channel, "AuthError", 400);
        Send(client, """{"event":"pusher:ping","data":{}}""");
        client.Probe.ExpectFrame("pusher:pong");
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void Unsubscribe_stops_delivery_and_sends_no_reply()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SubscribeOk(client, "news");
        SubscribeOk(client, "other");

        Send(client, UnsubscribeJson("news"));
        AwaitAssert(() => Assert.Equal(0, Info(channels, "news").SubscriptionCount), Timeout);
        Publish(channels, "news", EventBytes("e1", "news"), null);
        Publish(channels, "other", EventBytes("e2", "other"), null);

        client.Probe.ExpectFrame("e2");
    }

    [Fact]
    public void Double_encoded_subscribe_data_is_understood()
    {
        var client = Connect(NewChannels());

        Send(client, """{"event":"pusher:subscribe","data":"{\"channel\":\"legacy\"}"}""");

        Assert.Equal("legacy", client.Probe.ExpectFrame("pusher_internal:subscription_succeeded").Channel);
    }
}
