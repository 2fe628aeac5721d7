using System.Text;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Tests.Signing;

/// <summary>Section 11.D: webhook signatures.</summary>
public class WebhookVectorTests
{
    public static TheoryData<string> Ids => Vectors.Ids("webhooks");

    [Theory]
    [MemberData(nameof(Ids))]
    public void Signature_of_raw_body_matches_header(string id)
    {
        var v = Vectors.Get("webhooks", id);
        var app = Vectors.AppOf(v);
        var headers = v.GetProperty("headers");
        var body = Encoding.UTF8.GetBytes(v.Str("body"));
        Assert.Equal(headers.Str("X-Pusher-Signature"), PusherSignature.Sign(app.Secret, body));
        Assert.Equal(headers.Str("X-Pusher-Signature"), PusherSignature.Sign(app.Secret, v.Str("body")));
        Assert.Equal(app.Key, headers.Str("X-Pusher-Key"));
        Assert.Equal("application/json", headers.Str("Content-Type"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Changed_body_or_secret_changes_signature(string id)
    {
        var v = Vectors.Get("webhooks", id);
        var app = Vectors.AppOf(v);
        var expected = v.GetProperty("headers").Str("X-Pusher-Signature");
        Assert.NotEqual(expected, PusherSignature.Sign(app.Secret, Encoding.UTF8.GetBytes(v.Str("body") + " ")));
        Assert.NotEqual(expected, PusherSignature.Sign(app.Secret + "x", Encoding.UTF8.GetBytes(v.Str("body"))));
    }
}
