using Broadcaster.Protocol.Apps;

namespace Broadcaster.Protocol.Tests.Apps;

public class PusherAppTests
{
    [Fact]
    public void Defaults()
    {
        var app = new PusherApp("1", "k", "s");
        Assert.True(app.Enabled);
        Assert.False(app.EnableClientMessages);
        Assert.False(app.EnableUserAuthentication);
        Assert.Equal(-1, app.MaxConnections);
        Assert.True(app.IsOriginAllowed(null));
        Assert.True(app.IsOriginAllowed("https://anything"));
    }

    [Fact]
    public void Origins()
    {
        var app = new PusherApp("1", "k", "s", AllowedOrigins: ["https://a.com", "*.example.com"]);
        Assert.True(app.IsOriginAllowed("https://a.com"));
        Assert.True(app.IsOriginAllowed("HTTPS://A.COM"));
        Assert.True(app.IsOriginAllowed("https://x.example.com"));
        Assert.False(app.IsOriginAllowed("https://evilexample.com"));
        Assert.False(app.IsOriginAllowed("https://b.com"));
        Assert.False(app.IsOriginAllowed(null));
        Assert.False(app.IsOriginAllowed(""));
        Assert.True(new PusherApp("1", "k", "s", AllowedOrigins: ["*"]).IsOriginAllowed(null));
    }

    [Fact]
    public void Limits_defaults_match_spec_6_9()
    {
        var l = ProtocolLimits.Default;
        Assert.Equal((200, 200, 10240, 100, 10, 600), (l.MaxChannelNameLength, l.MaxEventNameLength, l.MaxEventDataBytes, l.MaxChannelsPerTrigger, l.MaxBatchSize, l.TimestampWindowSeconds));
        Assert.Equal((100, 1024, 128, 65536), (l.MaxPresenceMembers, l.MaxUserInfoBytes, l.MaxUserIdLength, l.MaxMessageBytes));
        Assert.Equal(10, l.ClientEventsPerSecond);
    }
}
