using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Dashboard;

/// <summary>The node's side of the dashboard: its live figures, and where other nodes' live log goes.</summary>
public interface IDashboardFeed
{
    /// <summary>This node's figures per app, now.</summary>
    Task<NodeLoad> LoadAsync();

    /// <summary>Some node has a dashboard open: this node's live log is wanted for a while.</summary>
    void Watched();

    /// <summary>Another node's live log entries, for the dashboards open on this node.</summary>
    void Received(LiveLogBatch batch);
}
