using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Tests.Signing;

/// <summary>Section 11.B: user authentication (pusher:signin) vectors.</summary>
public class UserAuthVectorTests
{
    public static TheoryData<string> Ids => Vectors.Ids("user_auth");

    [Theory]
    [MemberData(nameof(Ids))]
    public void String_to_sign_signature_and_auth_match(string id)
    {
        var v = Vectors.Get("user_auth", id);
        var app = Vectors.AppOf(v);
        var sts = PusherSignature.UserStringToSign(v.Str("socket_id"), v.Str("user_data"));
        Assert.Equal(v.Str("string_to_sign"), sts);
        Assert.Contains("::user::", sts);
        Assert.Equal(v.Str("signature"), PusherSignature.Sign(app.Secret, sts));
        Assert.Equal(v.Str("auth"), $"{app.Key}:{v.Str("signature")}");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void VerifyAuth_accepts_and_rejects_tampering(string id)
    {
        var v = Vectors.Get("user_auth", id);
        var app = Vectors.AppOf(v);
        var sts = v.Str("string_to_sign");
        var sig = v.Str("signature");
        Assert.True(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, v.Str("auth")));
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, $"{app.Key}:{Vectors.FlipHex(sig, 10)}"));
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, sts, $"wrong-key:{sig}"));
        // The channel-style string (single colon) must not verify a user signature.
        var channelStyle = $"{v.Str("socket_id")}:user:{v.Str("user_data")}";
        Assert.False(PusherSignature.VerifyAuth(app.Key, app.Secret, channelStyle, v.Str("auth")));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void User_data_parses(string id)
    {
        var v = Vectors.Get("user_auth", id);
        var userData = v.Str("user_data");
        Assert.True(UserData.TryParse(userData, out var user));
        using var doc = JsonDocument.Parse(userData);
        Assert.Equal(doc.RootElement.Str("id"), user!.Id);
        var expectedInfo = doc.RootElement.TryGetProperty("user_info", out var info) ? info.GetRawText() : "{}";
        Assert.Equal(expectedInfo, user.UserInfoJson);
        Assert.Equal(new PresenceMember(user.Id, user.UserInfoJson), user.AsMember());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Signin_frame_parses_to_exact_fields(string id)
    {
        var v = Vectors.Get("user_auth", id);
        var text = v.GetProperty("signin_frame").GetRawText();
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(text), out var frame, out var error), error);
        Assert.Equal("pusher:signin", frame!.Event);
        Assert.Equal(v.Str("auth"), frame.Data.Auth);
        Assert.Equal(v.Str("user_data"), frame.Data.UserData);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SigninSuccess_matches_expected_frame(string id)
    {
        var v = Vectors.Get("user_auth", id);
        var expected = v.GetProperty("signin_success_frame");
        using var actual = JsonDocument.Parse(ServerFrames.SigninSuccess(v.Str("user_data")));
        Assert.Equal(expected.Str("event"), actual.RootElement.Str("event"));
        Assert.Equal(JsonValueKind.Object, actual.RootElement.GetProperty("data").ValueKind);
        Assert.Equal(expected.GetProperty("data").Str("user_data"), actual.RootElement.GetProperty("data").Str("user_data"));
        Assert.Equal(2, actual.RootElement.EnumerateObject().Count());
    }
}
