using Akka.Actor;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Dashboard;

/// <summary>
/// The dashboard's actor on every node, at the same path everywhere: it answers a dashboard's scatter-gather for the
/// node's figures, and hands what other nodes publish for dashboards (watch signals, live log batches, through the bus)
/// to the node's feed. It keeps no state: the feed decides what is wanted and what is sampled out.
/// </summary>
public sealed class DashboardRelay : ReceiveActor
{
    public DashboardRelay(IDashboardFeed feed)
    {
        Receive<NodeLoadQuery>(_ =>
        {
            // Not awaited in the actor: a slow figure must not hold up the log batches. A failed one goes unanswered,
            // which the asker reports as a node that did not answer.
            var sender = Sender;
            feed.LoadAsync().ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) sender.Tell(t.Result);
            }, TaskScheduler.Default);
        });
        Receive<DashboardWatch>(_ => feed.Watched());
        Receive<LiveLogBatch>(feed.Received);
    }

    public static Props Props(IDashboardFeed feed) => Akka.Actor.Props.Create(() => new DashboardRelay(feed));
}
