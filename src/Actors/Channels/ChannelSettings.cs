using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Channels;

/// <summary>What the <see cref="ChannelDirectory"/> and its channel actors work with.</summary>
public sealed record ChannelSettings
{
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    /// <summary>The app of an id (webhooks, subscription counting); null for an unknown id.</summary>
    public Func<string, PusherApp?> Apps { get; init; } = _ => null;

    /// <summary>How long a cache channel's last event is kept (<c>broadcaster.cache.ttl</c>).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(30);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>This node's id in what it publishes (<see cref="Wire.NodeIds"/>); the guardian sets it.</summary>
    public string NodeId { get; init; } = "node";
}
