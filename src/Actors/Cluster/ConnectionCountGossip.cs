using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// Keeps the per-app connection quota (4004) cluster-wide: publishes this node's connection counts every second and
/// records what the other nodes publish, forgetting a node once it is removed.
/// </summary>
public sealed class ConnectionCountGossip : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    /// <summary>Removed incarnations: counts they published before stopping may still arrive and must not count.</summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    public ITimerScheduler Timers { get; set; } = null!;

    public ConnectionCountGossip(AppConnectionCounter counter, IActorRef topic)
    {
        var self = NodeIds.Of(_cluster.SelfUniqueAddress);
        Receive<Tick>(_ => ClusterTopic.Publish(topic, new PeerConnectionCounts(self, counter.LocalCounts()), Self));
        Receive<PeerConnectionCounts>(c =>
        {
            if (c.Origin != self && !_removed.Contains(c.Origin)) counter.SetRemote(c.Origin, c.Counts);
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            var origin = NodeIds.Of(m.Member.UniqueAddress);
            _removed.Add(origin);
            counter.RemoveRemote(origin);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
    }

    public static Props Props(AppConnectionCounter counter, IActorRef topic) =>
        Akka.Actor.Props.Create(() => new ConnectionCountGossip(counter, topic));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer("counts", Tick.Instance, Interval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
