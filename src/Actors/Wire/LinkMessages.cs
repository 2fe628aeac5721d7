namespace Broadcaster.Actors.Wire;

/// <summary>
/// Published on the cluster topic by a node that is not linked with every peer yet. <paramref name="NodeId"/> is its
/// unique address (<see cref="NodeIds"/>). A peer that receives it knows the sender's publications reach it.
/// </summary>
public sealed record BusHello(string NodeId) : IWireMessage;

/// <summary>
/// A peer's answer to <see cref="BusHello"/>, published on the topic: when <paramref name="For"/> receives it, it
/// knows that the peer <paramref name="NodeId"/> has its subscription, so everything that peer publishes from now
/// on reaches it. Every other node ignores it.
/// </summary>
public sealed record BusWelcome(string NodeId, string For) : IWireMessage;

/// <summary>Live connections per app on one node, published every second for the cluster-wide quota (4004).</summary>
public sealed record PeerConnectionCounts(string Origin, IReadOnlyDictionary<string, int> Counts) : IWireMessage;
