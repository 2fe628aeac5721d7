using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Membership;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Statistics;

/// <summary>
/// Every node's samples reach every node's recorder (this node's directly, the others' through the bus); only the
/// oldest reachable Up node with a majority (<see cref="Seniority.IsOldest"/>) hands them to the store, so each interval
/// is written once by the cluster. Each recorder keeps the last few intervals' samples: when the writer crashes, the
/// next oldest writes what the crashed one may not have written yet (the store ignores a row it already has), so a
/// crash loses at most the interval in progress on the crashed node. It also answers graphs' queries from its
/// node's database.
/// </summary>
public sealed class StatisticsRecorder : ReceiveActor, IWithTimers
{
    /// <summary>Intervals kept for a writer that takes over.</summary>
    private const int Kept = 3;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IStatisticsStore _store;
    /// <summary>Recent samples by interval and node, and whether this node wrote them.</summary>
    private readonly SortedDictionary<(long Interval, string Node), (StatisticsSample Sample, bool Written)> _recent = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public StatisticsRecorder(IStatisticsStore store)
    {
        _store = store;
        Receive<StatisticsSample>(sample =>
        {
            _recent[(sample.IntervalStartMs, sample.Node)] = (sample, false);
            Forget(sample);
            WriteIfOldest();
        });
        // A member removed or unreachable may make this node the writer: it writes what it kept at once.
        Receive<ClusterEvent.IMemberEvent>(_ => WriteIfOldest());
        Receive<ClusterEvent.IReachabilityEvent>(_ => WriteIfOldest());
        Receive<StatisticsQuery>(query =>
        {
            // Answered off the actor (a read of the file); a failed read goes unanswered and the asker names this node.
            var sender = Sender;
            _store.QueryAsync(query).ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) sender.Tell(t.Result);
            }, TaskScheduler.Default);
        });
        // Every node cleans its own file: after a change of writer, rows sit in more than one node's database.
        Receive<Prune>(_ => _store.Prune());
    }

    public static Props Props(IStatisticsStore store) => Akka.Actor.Props.Create(() => new StatisticsRecorder(store));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("prune", Prune.Instance, TimeSpan.FromMinutes(1), PruneEvery);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void WriteIfOldest()
    {
        if (!Seniority.IsOldest(_cluster)) return;
        foreach (var (key, (sample, written)) in _recent.ToList())
        {
            if (written) continue;
            _store.Write(sample);
            _recent[key] = (sample, true);
        }
    }

    /// <summary>Drops samples more than <see cref="Kept"/> intervals older than the newest of the same node.</summary>
    private void Forget(StatisticsSample newest)
    {
        var horizon = newest.IntervalStartMs - Kept * newest.IntervalMs;
        foreach (var key in _recent.Keys.Where(k => k.Interval <= horizon).ToList()) _recent.Remove(key);
    }

    private sealed record Prune
    {
        public static Prune Instance { get; } = new();
    }
}
