using Broadcaster.Actors.Monitoring;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Connections;

/// <summary>Node-wide settings every connection actor works with.</summary>
public sealed record ConnectionSettings
{
    /// <summary>Sent in <c>connection_established</c>; also how long a client may stay silent before we ping it.</summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long to wait for any frame after our ping before closing with 4201.</summary>
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Authorized-connections window for apps with user authentication required (PROTOCOL.md 5.2).</summary>
    public TimeSpan UserAuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    /// <summary>Readable one-line log of connections, subscriptions and client events (<c>--debug</c>); null when off.</summary>
    public Action<string>? DebugLog { get; init; }

    /// <summary>The dashboard's live log; null when the node has no dashboard feed.</summary>
    public IActivityLog? Activity { get; init; }

    public NodeCounters Counters { get; init; } = new();

    /// <summary>The clock liveness, deadlines and rate limits read.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
