using Akka.Actor;
using Broadcaster.Actors.Dashboard;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.Dashboard;

/// <summary>This node's side of every dashboard in the cluster: its figures when asked, and the live log.</summary>
public sealed class DashboardFeed(BroadcasterOptions options, NodeMetrics metrics, LiveLog log, ReadinessGate gate, ConnectionTracker tracker)
    : IDashboardFeed
{
    /// <summary>Set once the node's actors run (they are made with this feed).</summary>
    public NodeActors? Actors { get; set; }

    public async Task<NodeLoad> LoadAsync()
    {
        var actors = Actors ?? throw new InvalidOperationException("The node's actors have not started");
        var apps = new List<AppLoad>();
        foreach (var app in options.Apps)
        {
            var traffic = metrics.For(app.Id);
            var counts = await actors.Channels.Ask<ChannelCounts>(new ChannelCountsQuery(app.Id, null), options.Cluster.QueryTimeout);
            apps.Add(new AppLoad(app.Id, (int)traffic.OpenConnections, counts.Subscriptions.Count, traffic.WsMessagesReceived,
                traffic.WsMessagesSent, traffic.HttpCalls));
        }
        var state = tracker.ShuttingDown ? NodeLoad.Draining : gate.IsOpen ? NodeLoad.Serving : NodeLoad.Starting;
        return new NodeLoad(log.Node, apps, state);
    }

    public void Watched() => log.Watched();

    public void Received(LiveLogBatch batch) => log.Received(batch);
}
