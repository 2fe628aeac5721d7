using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// Rolling restart of the whole cluster. The node that receives the command gives every Up node a slot, spread
/// over <see cref="Window"/> so all have restarted within it, and tells each node's restart scheduler its slot. At its slot a
/// node restarts gracefully (clients get 4200 and reconnect to the others) unless it is the only node still Up,
/// in which case it waits until another is back, so the cluster never has all nodes down at once.
/// </summary>
public sealed class RestartScheduler : ReceiveActor, IWithTimers
{
    /// <summary>
    /// The last slot starts this long after the command. A graceful stop takes 1-4 s more (clients answer the
    /// close, members leave everywhere), so every node has restarted within about 10 s.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan MaxSpacing = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxWaitForOthers = TimeSpan.FromSeconds(30);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly TimeProvider _time;
    private DateTimeOffset? _waitingSince;
    private string _requestedBy = "";
    /// <summary>Up nodes other than this one when its slot arrived, right after the command.</summary>
    private int _othersAtCommand;

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
            _othersAtCommand = OthersUp();
            Timers.StartSingleTimer("restart", Go.Instance, TimeSpan.FromMilliseconds(Math.Max(0, r.DelayMs)));
        });
        Receive<Go>(_ =>
        {
            // Alone also when the nodes restarted before this one have left and none is back yet: they are then no
            // longer members at all, and restarting now would take the whole cluster down.
            var others = OthersUp();
            var alone = others == 0 && (_othersAtCommand > 0 || _cluster.State.Members.Count > 1);
            _waitingSince ??= _time.GetUtcNow();
            if (alone && _time.GetUtcNow() - _waitingSince < MaxWaitForOthers)
            {
                Timers.StartSingleTimer("restart", Go.Instance, TimeSpan.FromMilliseconds(500));
                return;
            }
            restart(_requestedBy);
        });
    }

    private int OthersUp() => _cluster.State.Members.Count(m => m.Status == MemberStatus.Up && !m.Address.Equals(_cluster.SelfAddress)
                                                                && !_cluster.State.Unreachable.Contains(m));

    /// <summary>
    /// Other nodes first, then the seeds, the first seed last. The first seed is the one node that forms a new
    /// cluster of its own when it starts and no other seed answers; restarting it last means the others are back
    /// and answer it, so the cluster never splits in two. Without seeds (cluster bootstrap) no node is special: a
    /// restarted node joins whatever cluster a contact point names, and the node that took the command goes last.
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
