using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// The node's link to every other node. Each node's bus greets the bus of every node it sees come Up and
/// sends it, point to point, every event, client event and presence delta from then on (remoting keeps them in
/// order per pair of nodes). There is no topic to subscribe, so nothing is published into a subscription that
/// has not spread yet: once a peer has welcomed this node it receives everything. The node is ready once every
/// reachable Up peer has welcomed it and sent its presence snapshot.
/// </summary>
public sealed class NodeBus : ReceiveActor, IWithTimers
{
    private sealed class Peer(IActorRef bus, string nodeId)
    {
        public IActorRef Bus { get; set; } = bus;
        public string NodeId { get; set; } = nodeId;
        public bool Welcomed { get; set; }
        public bool HasSnapshot { get; set; }
    }

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly AppConnectionCounter _counter;
    private readonly NodeCounters _counters;
    private readonly IActorRef _registry;
    private readonly Dictionary<Address, Peer> _peers = new();
    private readonly HashSet<Address> _up = [];
    private readonly HashSet<Address> _unreachable = [];
    /// <summary>
    /// Incarnations that were removed: what they sent before stopping may still arrive, and must not bring
    /// their members or connection counts back. Node ids carry the incarnation, so a restarted node is new.
    /// </summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private readonly string _nodeId;
    private readonly IActorRef _restarts;
    private bool _selfUp;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeBus(ProtocolLimits limits, AppConnectionCounter counter, NodeCounters counters, Action<string> restart)
    {
        _counter = counter;
        _counters = counters;
        _nodeId = NodeIdOf(_cluster.SelfUniqueAddress);
        // After a restart of this actor its children are still there (see PreRestart): keep them and their state.
        _registry = Existing("channels") ?? Context.ActorOf(ChannelRegistry.Props(limits, _nodeId, Self), "channels");
        _restarts = Existing("restarts") ?? Context.ActorOf(RestartScheduler.Props(restart), "restarts");

        Receive<ClusterEvent.MemberUp>(m => OnUp(m.Member));
        Receive<ClusterEvent.MemberRemoved>(m => OnRemoved(m.Member));
        Receive<ClusterEvent.UnreachableMember>(m => _unreachable.Add(m.Member.Address));
        Receive<ClusterEvent.ReachableMember>(m => _unreachable.Remove(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });

        Receive<BusHello>(h =>
        {
            Remember(Sender, h.NodeId);
            Sender.Tell(new BusWelcome(_nodeId));
        });
        Receive<BusWelcome>(w =>
        {
            Remember(Sender, w.NodeId).Welcomed = true;
            // Deltas this peer sends from now on come after the snapshot's state, in order.
            Sender.Tell(new PresenceSnapshotRequest(_nodeId));
        });
        Receive<PresenceSnapshotRequest>(r => _registry.Tell(r));
        Receive<SnapshotFor>(s => PeerById(s.RequestedBy)?.Bus.Tell(s.Snapshot));
        Receive<PresenceSnapshot>(s =>
        {
            if (_removed.Contains(s.Origin)) return;
            if (PeerById(s.Origin) is { } peer) peer.HasSnapshot = true;
            _registry.Tell(s);
        });
        Receive<PresenceDelta>(d =>
        {
            _counters.BusReceived();
            if (!_removed.Contains(d.Origin)) _registry.Tell(d);
        });
        Receive<ChannelEvent>(e =>
        {
            _counters.BusReceived();
            _registry.Tell(e);
        });
        Receive<PublishEvent>(p =>
        {
            _registry.Tell(p.Event);
            ToAllPeers(p.Event);
        });
        Receive<ToPeers>(t => ToAllPeers(t.Message));
        Receive<PeerConnectionCounts>(c =>
        {
            if (!_removed.Contains(c.Origin)) _counter.SetRemote(c.Origin, c.Counts);
        });
        Receive<SendConnectionCounts>(_ =>
        {
            ToAllPeers(new PeerConnectionCounts(_nodeId, _counter.LocalCounts()));
            GreetUnwelcomed();
        });
        Receive<GetChannels>(q => _registry.Forward(q));
        Receive<GetChannel>(q => _registry.Forward(q));
        // Unreachable peers are left out: their answer would not come, and their sockets are probably gone.
        Receive<GetPeerBuses>(_ => Sender.Tell(new PeerBuses(_peers.Where(p => p.Value.Welcomed && !_unreachable.Contains(p.Key))
            .Select(p => p.Value.Bus).ToList())));
        Receive<GetBusStatus>(_ => Sender.Tell(Status()));
        Receive<GetRegistry>(_ => Sender.Tell(_registry));
        Receive<RestartCluster>(r => _restarts.Forward(r));
        Receive<RestartNode>(r => _restarts.Forward(r));
        Receive<GetNodeStatus>(_ =>
        {
            var ready = Status().Ready;
            var connections = _counter.Total;
            _registry.Ask<RegistryStats>(GetRegistryStats.Instance, TimeSpan.FromSeconds(3))
                .PipeTo(Sender, success: stats => new NodeStatusReport(_nodeId, ready, connections, stats.Channels, stats.Subscriptions, stats.LocalPresenceMembers));
        });
    }

    /// <param name="restart">Called when this node's turn in a rolling restart comes (with who asked for it).</param>
    public static Props Props(ProtocolLimits limits, AppConnectionCounter counter, NodeCounters? counters = null, Action<string>? restart = null)
    {
        var nodeCounters = counters ?? new NodeCounters();
        var onRestart = restart ?? (_ => { });
        return Akka.Actor.Props.Create(() => new NodeBus(limits, counter, nodeCounters, onRestart));
    }

    public static string NodeIdOf(UniqueAddress address) => $"{address.Address}#{address.Uid}";

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("counts", SendConnectionCounts.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnUp(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            _selfUp = true;
            return;
        }
        _up.Add(member.Address);
        Context.ActorSelection(new RootActorPath(member.Address) / Self.Path.Elements).Tell(new BusHello(_nodeId));
    }

    private void OnRemoved(Member member)
    {
        _up.Remove(member.Address);
        _unreachable.Remove(member.Address);
        var origin = NodeIdOf(member.UniqueAddress);
        _removed.Add(origin);
        if (_peers.TryGetValue(member.Address, out var peer) && peer.NodeId == origin) _peers.Remove(member.Address);
        _counter.RemoveRemote(origin);
        _registry.Tell(new OriginRemoved(origin));
    }

    /// <summary>Greets again every reachable Up node that has not welcomed this node yet: a hello can be lost.</summary>
    private void GreetUnwelcomed()
    {
        foreach (var address in _up)
        {
            if (_unreachable.Contains(address) || (_peers.TryGetValue(address, out var p) && p.Welcomed)) continue;
            Context.ActorSelection(new RootActorPath(address) / Self.Path.Elements).Tell(new BusHello(_nodeId));
        }
    }

    private IActorRef? Existing(string name) => Context.Child(name) is var child && !child.IsNobody() ? child : null;

    /// <summary>A failure here must not take the channels and presence state with it: keep the children.</summary>
    protected override void PreRestart(Exception reason, object message) => PostStop();

    /// <summary>A failing message in the registry or the restart scheduler is skipped, their state kept.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Resume);

    private Peer Remember(IActorRef bus, string nodeId)
    {
        _removed.Remove(nodeId);
        var address = bus.Path.Address;
        if (!_peers.TryGetValue(address, out var peer) || peer.NodeId != nodeId)
        {
            // A new incarnation on the same address replaces the old one; the old one's members go with it.
            if (peer is not null) _registry.Tell(new OriginRemoved(peer.NodeId));
            _peers[address] = peer = new Peer(bus, nodeId);
        }
        peer.Bus = bus;
        return peer;
    }

    private Peer? PeerById(string nodeId) => _peers.Values.FirstOrDefault(p => p.NodeId == nodeId);

    private void ToAllPeers(IBusMessage message)
    {
        foreach (var peer in _peers.Values) peer.Bus.Tell(message);
        _counters.BusSent(_peers.Count);
    }

    private BusStatus Status()
    {
        var waiting = _up.Where(a => !_unreachable.Contains(a))
            .Where(a => !_peers.TryGetValue(a, out var p) || !p.Welcomed || !p.HasSnapshot)
            .Select(a => a.ToString()).ToList();
        if (!_selfUp) waiting.Insert(0, "self (not Up yet)");
        return new BusStatus(waiting.Count == 0, _nodeId, _peers.Count, waiting);
    }

    private sealed record SendConnectionCounts
    {
        public static SendConnectionCounts Instance { get; } = new();
    }
}
