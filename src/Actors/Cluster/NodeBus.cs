using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// The node's one subscription to the cluster topic (<see cref="ClusterTopic"/>), and its readiness. Everything the
/// other nodes publish (events, client events, presence deltas, connection counts) arrives here and is handed to the
/// actor that owns it; this node's own publications come back too and are dropped, because whoever published them
/// handed them to their local owner directly (two mailbox hops fewer on the local path).
/// <para>
/// DistributedPubSub spreads a subscription to the other nodes' mediators by gossip, and whatever a peer publishes
/// before its mediator knows this node's subscription never arrives. So the bus publishes a hello until every Up
/// peer has answered it with a welcome published on the topic: a welcome that arrives proves the peer's publications
/// reach this node, and the hello it answered proves this node's reach the peer. Then it asks the peer for its
/// presence snapshot. The node is ready once every reachable Up peer has welcomed it and sent its snapshot.
/// </para>
/// </summary>
public sealed class NodeBus : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan LinkInterval = TimeSpan.FromMilliseconds(500);

    private sealed class Peer(string nodeId)
    {
        public string NodeId { get; } = nodeId;
        public bool Welcomed { get; set; }
        public bool HasSnapshot { get; set; }
        /// <summary>
        /// Its cached events arrived. Asked for with the snapshot and again while linking, but not waited for: a node of
        /// an earlier version does not know the request, and readiness must not hang on it during a rolling restart.
        /// </summary>
        public bool HasCache { get; set; }
        public bool Linked => Welcomed && HasSnapshot;
    }

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _topic;
    private readonly IActorRef _channels;
    private readonly IActorRef _presence;
    private readonly IActorRef _connectionCounts;
    private readonly IActorRef _users;
    private readonly IActorRef _statistics;
    private readonly IActorRef _dashboard;
    private readonly NodeCounters _counters;
    private readonly string _nodeId;
    /// <summary>The other Up nodes, by address, with the incarnation seen Up.</summary>
    private readonly Dictionary<Address, Peer> _peers = new();
    private readonly HashSet<Address> _unreachable = [];
    /// <summary>Peers that have welcomed this node: counted here, read per message that goes out.</summary>
    private int _linked;
    private bool _selfUp;
    private bool _subscribed;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeBus(IActorRef topic, BusRoutes routes, NodeCounters counters)
    {
        var (channels, presence, connectionCounts, users) = (routes.Channels, routes.Presence, routes.ConnectionCounts, routes.Users);
        _users = users;
        _statistics = routes.Statistics;
        _dashboard = routes.Dashboard;
        _topic = topic;
        _channels = channels;
        _presence = presence;
        _connectionCounts = connectionCounts;
        _counters = counters;
        _nodeId = NodeIds.Of(_cluster.SelfUniqueAddress);

        Receive<SubscribeAck>(_ =>
        {
            _subscribed = true;
            Greet();
        });
        Receive<ClusterEvent.MemberUp>(m => OnUp(m.Member));
        Receive<ClusterEvent.MemberRemoved>(m => OnRemoved(m.Member));
        Receive<ClusterEvent.UnreachableMember>(m => _unreachable.Add(m.Member.Address));
        Receive<ClusterEvent.ReachableMember>(m => _unreachable.Remove(m.Member.Address));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<LinkTick>(_ =>
        {
            // Only while some peer is not linked yet: an idle node's timers are most of the CPU it uses.
            if (_peers.Values.All(p => p.Linked)) Timers.Cancel("link");
            if (_peers.Values.Any(p => !p.Welcomed)) Greet();
            foreach (var (address, peer) in _peers.Where(p => p.Value.Welcomed && !p.Value.HasSnapshot)) RequestSnapshot(address);
            foreach (var (address, peer) in _peers.Where(p => p.Value.Welcomed && !p.Value.HasCache)) RequestCache(address);
        });

        Receive<BusHello>(h =>
        {
            if (h.NodeId != _nodeId) ClusterTopic.Publish(_topic, new BusWelcome(_nodeId, h.NodeId), Self);
        });
        Receive<BusWelcome>(w =>
        {
            if (w.For != _nodeId || PeerById(w.NodeId) is not { } found || found.Peer.Welcomed) return;
            found.Peer.Welcomed = true;
            _linked++;
            RequestSnapshot(found.Address);
            RequestCache(found.Address);
        });
        Receive<ChannelSnapshot>(s =>
        {
            if (PeerById(s.Origin) is { } found) found.Peer.HasCache = true;
            _channels.Tell(s);
        });
        Receive<ChannelCountChanged>(c =>
        {
            if (FromPeer()) _channels.Tell(c);
        });
        Receive<TerminateUser>(t =>
        {
            if (FromPeer()) _users.Tell(t);
        });
        Receive<PresenceSnapshot>(s =>
        {
            if (PeerById(s.Origin) is { } found) found.Peer.HasSnapshot = true;
            _presence.Forward(s);
        });
        Receive<ChannelEvent>(e =>
        {
            if (FromPeer()) _channels.Tell(e);
        });
        Receive<PresenceDelta>(d =>
        {
            if (FromPeer()) _presence.Tell(d);
        });
        Receive<PeerConnectionCounts>(c =>
        {
            if (FromPeer()) _connectionCounts.Tell(c);
        });
        Receive<StatisticsSample>(sample =>
        {
            if (FromPeer()) _statistics.Tell(sample);
        });
        Receive<DashboardWatch>(watch =>
        {
            if (FromPeer()) _dashboard.Tell(watch);
        });
        Receive<LiveLogBatch>(batch =>
        {
            if (FromPeer()) _dashboard.Tell(batch);
        });
        Receive<GetBusStatus>(_ => Sender.Tell(Status()));
    }

    public static Props Props(IActorRef topic, BusRoutes routes, NodeCounters counters) =>
        Akka.Actor.Props.Create(() => new NodeBus(topic, routes, counters));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        _topic.Tell(new Subscribe(ClusterTopic.Name, Self));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnUp(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress))
        {
            _selfUp = true;
            return;
        }
        var nodeId = NodeIds.Of(member.UniqueAddress);
        if (_peers.TryGetValue(member.Address, out var peer) && peer.NodeId == nodeId) return;
        // A new incarnation on the same address replaces the old one, which no longer counts as linked.
        Forget(member.Address);
        _peers[member.Address] = new Peer(nodeId);
        Greet();
        // Hellos and snapshot requests can be lost: repeat them until this peer is linked.
        if (!Timers.IsTimerActive("link")) Timers.StartPeriodicTimer("link", LinkTick.Instance, LinkInterval);
    }

    private void OnRemoved(Member member)
    {
        var nodeId = NodeIds.Of(member.UniqueAddress);
        if (_peers.TryGetValue(member.Address, out var peer) && peer.NodeId == nodeId)
        {
            Forget(member.Address);
            _unreachable.Remove(member.Address);
        }
        _presence.Tell(new OriginRemoved(nodeId));
        _channels.Tell(new OriginRemoved(nodeId));
    }

    private void Forget(Address address)
    {
        if (_peers.Remove(address, out var peer) && peer.Welcomed) _linked--;
    }

    /// <summary>Published, not sent: only a hello that travels the topic proves anything about the topic.</summary>
    private void Greet()
    {
        if (_subscribed) ClusterTopic.Publish(_topic, new BusHello(_nodeId), Self);
    }

    /// <summary>Point to point to the peer's presence actor, which answers this bus; deltas that overtake it wait in the replica.</summary>
    private void RequestSnapshot(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / Self.Path.Parent.Elements / "presence").Tell(new PresenceSnapshotRequest(_nodeId));

    /// <summary>Point to point to the peer's channel directory, which answers this bus with its cached events and subscription counts.</summary>
    private void RequestCache(Address address) =>
        Context.ActorSelection(new RootActorPath(address) / Self.Path.Parent.Elements / "channels").Tell(new ChannelSnapshotRequest(_nodeId));

    private (Address Address, Peer Peer)? PeerById(string nodeId)
    {
        foreach (var (address, peer) in _peers)
        {
            if (peer.NodeId == nodeId) return (address, peer);
        }
        return null;
    }

    /// <summary>
    /// What this node published comes back to it from the topic with a local sender, and was already handed to its
    /// owner here when it was published: counted as sent to the linked peers and dropped. What another node
    /// published arrives with that node's sender.
    /// </summary>
    private bool FromPeer()
    {
        if (Sender.Path.Address.HasGlobalScope)
        {
            _counters.BusReceived();
            return true;
        }
        _counters.BusSent(_linked);
        return false;
    }

    private BusStatus Status()
    {
        var waiting = _peers.Where(p => !_unreachable.Contains(p.Key) && !p.Value.Linked)
            .Select(p => p.Key.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList();
        if (!_subscribed) waiting.Insert(0, "self (cluster topic subscription)");
        if (!_selfUp) waiting.Insert(0, "self (not Up yet)");
        return new BusStatus(waiting.Count == 0, _nodeId, _linked, waiting);
    }

    private sealed record LinkTick
    {
        public static LinkTick Instance { get; } = new();
    }
}
