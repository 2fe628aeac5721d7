using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// Rolling restart of the whole cluster. The node that receives the command gives every Up node a slot, spread
/// over <see cref="Window"/> so all have restarted within it, and tells each node's restart scheduler its slot. At its slot a
/// node restarts gracefully (clients get 4200 and reconnect to the others) once another node is ready, so the cluster
/// never has all nodes down at once.
/// <para>
/// Ready, not merely Up: a restarted node is Up as soon as it has joined, which on a loaded host can be seconds before it
/// listens and links with the others, and a node serves no client before it has been ready. Counting Up members let the
/// last old node go while the new ones could not serve yet, and every client was without a node for seconds. So at its
/// slot the node asks the other reachable Up nodes' status actors (<see cref="GetNodeStatus"/>, which nodes of earlier
/// versions answer too) and goes at the first that answers ready, asking again every half second.
/// </para>
/// </summary>
public sealed class RestartScheduler : ReceiveActor, IWithTimers
{
    /// <summary>
    /// The last slot starts this long after the command. A graceful stop takes 1-4 s more (clients answer the
    /// close, members leave everywhere), so every node has restarted within about 10 s when restarted nodes are ready
    /// within a few seconds; a slower start delays the next node's turn instead.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan MaxSpacing = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWaitForOthers = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan AskAgain = TimeSpan.FromMilliseconds(500);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TimeProvider _time;
    private DateTimeOffset? _waitingSince;
    private string _requestedBy = "";
    private bool _restarting;
    /// <summary>Other Up nodes when the slot was given: zero only for a cluster of one, which has nobody to wait for.</summary>
    private int _othersAtRequest;

    public ITimerScheduler Timers { get; set; } = null!;

    public RestartScheduler(Action<string> restart, TimeProvider time)
    {
        _time = time;
        Receive<RestartCluster>(r =>
        {
            var members = RestartOrder(_cluster.State.Members.Where(m => m.Status == MemberStatus.Up));
            var spacing = members.Count <= 1 ? TimeSpan.Zero
                : TimeSpan.FromTicks(Math.Min(MaxSpacing.Ticks, Window.Ticks / (members.Count - 1)));
            for (var i = 0; i < members.Count; i++)
            {
                var slot = new RestartNode(r.RequestedBy, (int)(spacing * i).TotalMilliseconds);
                Context.ActorSelection(new RootActorPath(members[i].Address) / Self.Path.Elements).Tell(slot);
            }
        });
        Receive<RestartNode>(r =>
        {
            _requestedBy = r.RequestedBy;
            _othersAtRequest = _cluster.State.Members.Count(m => m.Status == MemberStatus.Up && !m.Address.Equals(_cluster.SelfAddress));
            Timers.StartSingleTimer("restart", Go.Instance, TimeSpan.FromMilliseconds(Math.Max(0, r.DelayMs)));
        });
        Receive<Go>(_ =>
        {
            if (_restarting) return;
            _waitingSince ??= _time.GetUtcNow();
            var others = _cluster.State.Members.Where(m => m.Status == MemberStatus.Up && !m.Address.Equals(_cluster.SelfAddress)
                                                           && !_cluster.State.Unreachable.Contains(m)).ToList();
            // A cluster of one has nobody to wait for; after MaxWaitForOthers the restart goes ahead regardless. A node
            // that is alone only because the others are restarting waits for them: that is when all would be down.
            if (_othersAtRequest == 0 || _time.GetUtcNow() - _waitingSince >= MaxWaitForOthers)
            {
                Restart(restart);
                return;
            }
            foreach (var member in others)
                Context.ActorSelection(new RootActorPath(member.Address) / Self.Path.Parent.Elements / "status").Tell(GetNodeStatus.Instance);
            Timers.StartSingleTimer("restart", Go.Instance, AskAgain);
        });
        Receive<NodeStatusReport>(report =>
        {
            if (report.Ready && !_restarting) Restart(restart);
        });
        // A status actor whose own asks timed out answers with a failure: not ready, ask again at the next round.
        Receive<Status.Failure>(_ => { });
    }

    private void Restart(Action<string> restart)
    {
        _restarting = true;
        Timers.Cancel("restart");
        restart(_requestedBy);
    }

    /// <summary>
    /// Other nodes first, then the seeds, the first seed last. The first seed is the one node that forms a new
    /// cluster of its own when it starts and no other seed answers; restarting it last means the others are back
    /// and answer it, so the cluster never splits in two.
    /// </summary>
    private List<Member> RestartOrder(IEnumerable<Member> members)
    {
        var seeds = Context.System.Settings.Config.GetStringList("akka.cluster.seed-nodes")
            .Select(s => Address.Parse(s)).ToList();
        if (seeds.Count == 0) seeds.Add(_cluster.SelfAddress);
        int Rank(Member m) => seeds.IndexOf(m.Address) is var i and >= 0 ? seeds.Count - i : 0;
        return members.OrderBy(Rank).ThenBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
    }

    public static Props Props(Action<string> restart, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new RestartScheduler(restart, time ?? TimeProvider.System));

    private sealed record Go
    {
        public static Go Instance { get; } = new();
    }
}
