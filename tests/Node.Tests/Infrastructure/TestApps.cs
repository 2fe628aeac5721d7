using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>Apps every test server is configured with (see <see cref="TestServers"/>).</summary>
public static class TestApps
{
    public static readonly PusherApp Main = new("app-id", "app-key", "app-secret", "main", EnableClientMessages: true);
    public static readonly PusherApp NoClientEvents = new("noclient-id", "noclient-key", "noclient-secret");
    public static readonly PusherApp Disabled = new("disabled-id", "disabled-key", "disabled-secret", Enabled: false);
    public static readonly PusherApp Limited = new("limited-id", "limited-key", "limited-secret", MaxConnections: 1);
    public static readonly PusherApp Origins = new("origin-id", "origin-key", "origin-secret", AllowedOrigins: ["https://good.example"]);
    /// <summary>Nobody ever connects to this one: its channel list is always empty.</summary>
    public static readonly PusherApp Empty = new("empty-id", "empty-key", "empty-secret");

    public static IReadOnlyList<PusherApp> All { get; } = [Main, NoClientEvents, Disabled, Limited, Origins, Empty];
}
