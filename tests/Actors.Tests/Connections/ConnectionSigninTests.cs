using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionSigninTests : ActorTestBase
{
    [Fact]
    public void Valid_signin_answers_signin_success_with_the_user_data_string()
    {
        var client = Connect(NewChannels());

        SigninOk(client, "42");

        Assert.Empty(client.Socket.Closes);
    }

    [Theory]
    [InlineData("bad-signature")]
    [InlineData("id-neither-string-nor-number")]
    [InlineData("no-id")]
    [InlineData("not-json")]
    [InlineData("missing-user-data")]
    public void Bad_signin_sends_error_4009_then_closes_with_4009(string variant)
    {
        var client = Connect(NewChannels());
        var userData = variant switch
        {
            "id-neither-string-nor-number" => """{"id":true}""",
            "no-id" => """{"user_info":{}}""",
            "not-json" => "{oops",
            _ => """{"id":"42"}""",
        };
        var auth = variant == "bad-signature" ? AppKey + ":" + new string('a', 64) : SigninAuth(client.SocketId, userData);
        var json = variant == "missing-user-data"
            ? $$$"""{"event":"pusher:signin","data":{"auth":"{{{auth}}}"}}"""
            : SigninJson(auth, userData);

        Send(client, json);

        var error = client.Probe.ExpectFrame("pusher:error");
        Assert.Equal(4009, error.ErrorCode());
        client.Probe.ExpectClose(4009);
    }

    [Fact]
    public void A_numeric_id_signs_in_as_its_decimal_text()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        const string userData = """{"id":42}""";
        Send(client, SigninJson(SigninAuth(client.SocketId, userData), userData));
        Assert.Equal(userData, client.Probe.ExpectFrame("pusher:signin_success").Data!.Value.GetProperty("user_data").GetString());
        // The identity is the user "42": its server-to-user channel is the one it may join.
        SubscribeOk(client, "#server-to-user-42");
    }

    [Fact]
    public void Signature_over_the_single_colon_form_is_refused()
    {
        var client = Connect(NewChannels());
        const string userData = """{"id":"42"}""";
        var wrong = $"{AppKey}:{Broadcaster.Protocol.Signing.PusherSignature.Sign(AppSecret, $"{client.SocketId}:user:{userData}")}";

        Send(client, SigninJson(wrong, userData));

        Assert.Equal(4009, client.Probe.ExpectFrame("pusher:error").ErrorCode());
        client.Probe.ExpectClose(4009);
    }

    [Fact]
    public void Server_to_user_channel_is_refused_before_signin()
    {
        var client = Connect(NewChannels());

        Send(client, SubscribeJson("#server-to-user-42"));

        var error = client.Probe.ExpectFrame("pusher:subscription_error");
        Assert.Equal("#server-to-user-42", error.Channel);
        Assert.Equal("AuthError", error.DataJson.GetProperty("type").GetString());
    }

    [Fact]
    public void Server_to_user_channel_is_allowed_only_for_the_signed_in_user()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SigninOk(client, "42");

        Send(client, SubscribeJson("#server-to-user-7"));
        Assert.Equal("AuthError", client.Probe.ExpectFrame("pusher:subscription_error").DataJson.GetProperty("type").GetString());

        SubscribeOk(client, "#server-to-user-42");
        Publish(channels, "#server-to-user-42", EventBytes("notice", "#server-to-user-42"), null);
        Assert.Equal("#server-to-user-42", client.Probe.ExpectFrame("notice").Channel);
    }

    [Fact]
    public void Signed_in_user_may_join_presence_without_channel_data_using_the_private_signature()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SigninOk(client, "42", """{"name":"Zoë"}""");

        var ok = SubscribeOk(client, "presence-room");

        var presence = ok.DataJson.GetProperty("presence");
        Assert.Equal("42", presence.GetProperty("ids")[0].GetString());
        Assert.Equal("Zoë", presence.GetProperty("hash").GetProperty("42").GetProperty("name").GetString());
    }

    [Fact]
    public void Channel_data_overrides_the_signin_identity()
    {
        var client = Connect(NewChannels());
        SigninOk(client, "42");

        var ok = SubscribeOk(client, "presence-room", PresenceData("7"));

        Assert.Equal("7", ok.DataJson.GetProperty("presence").GetProperty("ids")[0].GetString());
    }

    [Fact]
    public void Signed_in_presence_subscribe_with_the_wrong_signature_form_is_refused()
    {
        var client = Connect(NewChannels());
        SigninOk(client, "42");
        const string channel = "presence-room";

        // Without channel_data the signed string is socket_id:channel; a signature over anything else fails.
        Send(client, SubscribeJson(channel, ChannelAuth(client.SocketId, channel, PresenceData("42"))));

        Assert.Equal("AuthError", client.Probe.ExpectFrame("pusher:subscription_error").DataJson.GetProperty("type").GetString());
    }

    [Fact]
    public void A_second_signin_replaces_the_identity()
    {
        var client = Connect(NewChannels());
        SigninOk(client, "1");
        SigninOk(client, "2");

        Send(client, SubscribeJson("#server-to-user-1"));
        client.Probe.ExpectFrame("pusher:subscription_error");
        SubscribeOk(client, "#server-to-user-2");
    }
}
