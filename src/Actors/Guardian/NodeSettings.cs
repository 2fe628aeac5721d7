using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Connections;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Guardian;

/// <summary>What the node guardian needs to start the node's actors.</summary>
public sealed record NodeSettings
{
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    public ConnectionSettings Connections { get; init; } = new();

    /// <summary>Live connections per app: this node's, and what the other nodes last published.</summary>
    public AppConnectionCounter ConnectionCounter { get; init; } = new();

    /// <summary>Called when this node's turn in a rolling restart comes, with who asked for it.</summary>
    public Action<string> Restart { get; init; } = _ => { };

    /// <summary>How long one node waits for another's answer (<c>broadcaster.cluster.query-timeout</c>).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
