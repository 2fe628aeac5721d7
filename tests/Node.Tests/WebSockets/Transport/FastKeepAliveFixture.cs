using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>A node whose proxy keep-alive interval is short enough for a test (25 s by default).</summary>
public sealed class FastKeepAliveFixture : ServerFixture
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults with { KeepAliveInterval = Interval };
}
