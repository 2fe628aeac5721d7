using System.Security.Cryptography;
using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Tests.Signing;

/// <summary>Section 11.A: channel authorization vectors.</summary>
public class ChannelAuthVectorTests
{
    public static TheoryData<string> Ids => Vectors.Ids("channel_auth");

    [Theory]
    [MemberData(nameof(Ids))]
    public void String_to_sign_signature_and_auth_match(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var app = Vectors.AppOf(v);
        var sts = PusherSignature.ChannelStringToSign(v.Str("socket_id"), v.Str("channel_name"), v.OptStr("channel_data"));
        Assert.Equal(v.Str("string_to_sign"), sts);
        Assert.Equal(v.Str("signature"), PusherSignature.Sign(app.Secret, sts));
        Assert.Equal(v.Str("auth"), $"{app.Key}:{v.Str("signature")}");
        Assert.Equal(v.Str("auth"), v.GetProperty("auth_endpoint_response").Str("auth"));
        Assert.Equal(v.OptStr("channel_data"), v.GetProperty("auth_endpoint_response").OptStr("channel_data"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void VerifyAuth_accepts_the_auth_string(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var app = Vectors.AppOf(v);
        Assert.True(PusherSignature.VerifyAuth(app.Key, app.Secret, v.Str("string_to_sign"), v.Str("auth")));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void VerifyAuth_rejects_any_flipped_hex_char(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var app = Vectors.AppOf(v);
        var sig = v.Str("signature");
        foreach (var i in new[] { 0, 1, 31, 62, 63 })
            Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, v.Str("string_to_sign"), $"{app.Key}:{Vectors.FlipHex(sig, i)}"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void VerifyAuth_rejects_wrong_key_prefix_or_malformed_auth(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var app = Vectors.AppOf(v);
        var sts = v.Str("string_to_sign");
        var sig = v.Str("signature");
        var otherKey = app.Key == "app-key" ? Vectors.App("doc").Key : Vectors.App("test").Key;
        foreach (var auth in new[]
                 {
                     $"{otherKey}:{sig}", $"{app.Key.ToUpperInvariant()}:{sig}", $"x{app.Key}:{sig}", $":{sig}", sig,
                     $"{app.Key}:{sig}0", $"{app.Key}:{sig[..^1]}", $"{app.Key}:", "",
                 })
            Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, auth), auth);
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, null));
        Assert.False(PusherSignature.VerifyAuth(app.Key, "wrong-secret", sts, v.Str("auth")));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Auth_does_not_verify_for_another_socket_or_channel(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var app = Vectors.AppOf(v);
        var otherSocket = PusherSignature.ChannelStringToSign("1.1", v.Str("channel_name"), v.OptStr("channel_data"));
        var otherChannel = PusherSignature.ChannelStringToSign(v.Str("socket_id"), v.Str("channel_name") + "x", v.OptStr("channel_data"));
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, otherSocket, v.Str("auth")));
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, otherChannel, v.Str("auth")));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Subscribe_frame_parses_to_exact_fields(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var frameText = v.GetProperty("subscribe_frame").GetRawText();
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(frameText), out var frame, out var error), error);
        Assert.NotNull(frame);
        Assert.Equal("pusher:subscribe", frame.Event);
        Assert.Equal(v.Str("channel_name"), frame.Data.Channel);
        Assert.Equal(v.Str("auth"), frame.Data.Auth);
        Assert.Equal(v.OptStr("channel_data"), frame.Data.ChannelData);

        // The signature still verifies with the values the parser produced.
        var app = Vectors.AppOf(v);
        var sts = PusherSignature.ChannelStringToSign(v.Str("socket_id"), frame.Data.Channel!, frame.Data.ChannelData);
        Assert.True(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, frame.Data.Auth));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Double_encoded_subscribe_frame_parses_to_the_same_fields(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var dataText = v.GetProperty("subscribe_frame").GetProperty("data").GetRawText();
        var frameText = "{\"event\":\"pusher:subscribe\",\"data\":" + System.Text.Json.JsonSerializer.Serialize(dataText) + "}";
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(frameText), out var frame, out var error), error);
        Assert.Equal(v.Str("channel_name"), frame!.Data.Channel);
        Assert.Equal(v.Str("auth"), frame.Data.Auth);
        Assert.Equal(v.OptStr("channel_data"), frame.Data.ChannelData);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Channel_is_valid_and_requires_auth(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var name = v.Str("channel_name");
        Assert.True(ChannelName.IsValid(name, ProtocolLimits.Default.MaxChannelNameLength));
        Assert.True(ChannelName.RequiresAuth(ChannelName.TypeOf(name)));
        var isPresence = ChannelName.TypeOf(name) == ChannelType.Presence;
        Assert.Equal(isPresence, v.OptStr("channel_data") is not null);
        if (isPresence)
        {
            Assert.True(ChannelData.TryParse(v.OptStr("channel_data"), ProtocolLimits.Default, out var member, out var error), error);
            Assert.False(string.IsNullOrEmpty(member!.UserId));
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Encrypted_vectors_have_a_consistent_shared_secret(string id)
    {
        var v = Vectors.Get("channel_auth", id);
        var master = v.OptStr("encryption_master_key_base64");
        if (master is null)
        {
            Assert.NotEqual(ChannelType.PrivateEncrypted, ChannelName.TypeOf(v.Str("channel_name")));
            return;
        }
        Assert.Equal(ChannelType.PrivateEncrypted, ChannelName.TypeOf(v.Str("channel_name")));
        var input = Encoding.UTF8.GetBytes(v.Str("channel_name")).Concat(Convert.FromBase64String(master)).ToArray();
        var expected = Convert.ToBase64String(SHA256.HashData(input));
        Assert.Equal(v.Str("shared_secret_base64"), expected);
        Assert.Equal(expected, v.GetProperty("auth_endpoint_response").Str("shared_secret"));
    }

    [Fact]
    public void Doc_presence_numeric_user_id_becomes_string_10()
    {
        var v = Vectors.Get("channel_auth", "ca-doc-presence");
        Assert.True(ChannelData.TryParse(v.Str("channel_data"), ProtocolLimits.Default, out var member, out _));
        Assert.Equal("10", member!.UserId);
        Assert.Equal("{\"name\":\"Mr. Pusher\"}", member.UserInfoJson);
    }

    [Fact]
    public void Escaped_and_unescaped_presence_vectors_are_same_member_but_different_signatures()
    {
        var a = Vectors.Get("channel_auth", "ca-presence");
        var b = Vectors.Get("channel_auth", "ca-presence-escaped");
        Assert.NotEqual(a.Str("signature"), b.Str("signature"));
        Assert.True(ChannelData.TryParse(a.Str("channel_data"), ProtocolLimits.Default, out var ma, out _));
        Assert.True(ChannelData.TryParse(b.Str("channel_data"), ProtocolLimits.Default, out var mb, out _));
        Assert.Equal(ma!.UserId, mb!.UserId);
        // The auth of one never verifies the other's channel_data: no re-serialisation.
        var app = Vectors.AppOf(a);
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, b.Str("string_to_sign"), a.Str("auth")));
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, a.Str("string_to_sign"), b.Str("auth")));
    }

    [Fact]
    public void No_info_presence_member_gets_empty_object()
    {
        var v = Vectors.Get("channel_auth", "ca-presence-no-info");
        Assert.True(ChannelData.TryParse(v.Str("channel_data"), ProtocolLimits.Default, out var member, out _));
        Assert.Equal(new PresenceMember("u-7", "{}"), member);
    }
}
