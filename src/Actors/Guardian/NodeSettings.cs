using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Dashboard;
using Broadcaster.Actors.Statistics;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Guardian;

/// <summary>What the node guardian needs to start the node's actors.</summary>
public sealed record NodeSettings
{
    public ProtocolLimits Limits
    {
        get => Channels.Limits;
        init => Channels = Channels with { Limits = value };
    }

    /// <summary>The channel directory's settings: limits, the app lookup, the cache TTL, the clock.</summary>
    public ChannelSettings Channels { get; init; } = new();

    /// <summary>The app of an id; null for an unknown id.</summary>
    public Func<string, PusherApp?> Apps => Channels.Apps;

    /// <summary>Where due webhooks go: the node's delivery pipeline.</summary>
    public IWebhookSink Webhooks { get; init; } = NoWebhooks.Instance;

    /// <summary>How long <c>channel_vacated</c> and <c>member_removed</c> wait (<c>broadcaster.webhooks.delay-vacated</c>).</summary>
    public TimeSpan WebhookDelay { get; init; } = TimeSpan.FromSeconds(3);

    public ConnectionSettings Connections { get; init; } = new();

    /// <summary>Where the cluster's statistics are written when this node is the writer.</summary>
    public IStatisticsStore Statistics { get; init; } = NoStatistics.Instance;

    /// <summary>The node's live figures and log for dashboards; null: a feed with nothing to show.</summary>
    public IDashboardFeed? Dashboard { get; init; }

    /// <summary>Live connections per app: this node's, and what the other nodes last published.</summary>
    public AppConnectionCounter ConnectionCounter { get; init; } = new();

    /// <summary>Called when this node's turn in a rolling restart comes, with who asked for it.</summary>
    public Action<string> Restart { get; init; } = _ => { };

    /// <summary>
    /// True while the node serves clients: it listens, has been ready since it started, and is not stopping. A node
    /// that does not serve is not ready for the status command, nor for another node's rolling restart, which waits
    /// for a ready node (a node is Up, and its bus linked, before it listens).
    /// </summary>
    public Func<bool> Serving { get; init; } = () => true;

    /// <summary>How long one node waits for another's answer (<c>broadcaster.cluster.query-timeout</c>).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
