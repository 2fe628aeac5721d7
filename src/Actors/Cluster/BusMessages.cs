using Akka.Actor;

namespace Broadcaster.Actors.Cluster;

/// <summary>A node's bus introduces itself to a peer it saw come Up. <paramref name="NodeId"/> is its unique address.</summary>
public sealed record BusHello(string NodeId) : IBusMessage;

/// <summary>The answer to <see cref="BusHello"/>: from now on the peer sends this node every event.</summary>
public sealed record BusWelcome(string NodeId) : IBusMessage;

/// <summary>An event for one channel, as ready-made frame bytes; every node delivers it to its own subscribers.</summary>
public sealed record ChannelEvent(string AppId, string Channel, ReadOnlyMemory<byte> Frame, string? ExceptSocketId) : IBusMessage;

/// <summary>Live connections per app on one node, sent to peers every second for the cluster-wide quota.</summary>
public sealed record PeerConnectionCounts(string Origin, IReadOnlyDictionary<string, int> Counts) : IBusMessage;

/// <summary>Local command: publish an event triggered through this node's HTTP API to every node, this one included.</summary>
public sealed record PublishEvent(ChannelEvent Event);

/// <summary>From the registry: send this to every peer (client events, presence deltas of local users).</summary>
public sealed record ToPeers(IBusMessage Message);

/// <summary>Asks the bus for the peer buses it exchanges events with; answered with <see cref="PeerBuses"/>.</summary>
public sealed record GetPeerBuses
{
    public static GetPeerBuses Instance { get; } = new();
}

public sealed record PeerBuses(IReadOnlyList<IActorRef> Buses);

/// <summary>Asks whether the node is ready; answered with <see cref="BusStatus"/>.</summary>
public sealed record GetBusStatus
{
    public static GetBusStatus Instance { get; } = new();
}

/// <summary>
/// Ready when this node is Up and has exchanged hello/welcome and a presence snapshot with every other
/// reachable Up node. <paramref name="Waiting"/> names the nodes still missing.
/// </summary>
public sealed record BusStatus(bool Ready, string NodeId, int Peers, IReadOnlyList<string> Waiting);

/// <summary>Asks the bus for the node's <see cref="Channels.ChannelRegistry"/>; answered with its IActorRef.</summary>
public sealed record GetRegistry
{
    public static GetRegistry Instance { get; } = new();
}
