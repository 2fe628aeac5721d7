namespace Broadcaster.Actors.Wire;

/// <summary>
/// Asked of every node's channel directory by the scatter-gather of the HTTP API: this node's subscription count
/// of each of <paramref name="Channels"/> (zero when unoccupied), or of every occupied channel of the app when
/// <paramref name="Channels"/> is null. Answered with <see cref="ChannelCounts"/>.
/// </summary>
public sealed record ChannelCountsQuery(string AppId, IReadOnlyList<string>? Channels) : IWireMessage;

/// <summary>Subscriptions per channel on the node that answered; summing over nodes never counts a socket twice.</summary>
public sealed record ChannelCounts(IReadOnlyDictionary<string, int> Subscriptions) : IWireMessage;

/// <summary>Asks a node's status actor how the node is doing; answered with <see cref="NodeStatusReport"/>.</summary>
public sealed record GetNodeStatus : IWireMessage
{
    public static GetNodeStatus Instance { get; } = new();
}

public sealed record NodeStatusReport(
    string NodeId, bool Ready, int Connections, int Channels, int Subscriptions, int PresenceMembers) : IWireMessage;

/// <summary>
/// Tells one node to restart gracefully after <paramref name="DelayMs"/>: the slots are spread so the nodes go one
/// after another, and a node never goes while it is the only one left Up.
/// </summary>
public sealed record RestartNode(string RequestedBy, int DelayMs) : IWireMessage;

/// <summary>
/// Asked of every node's presence actor by the HTTP API's users queries: the ids of this node's own members (users
/// with a socket here) of each of <paramref name="Channels"/>. Each node is the authority for its own members, so the
/// union of the answers is exact at the moment of the query, whatever the deltas still travelling.
/// </summary>
public sealed record OwnMembersQuery(string AppId, IReadOnlyList<string> Channels) : IWireMessage;

/// <summary>This node's own members' user ids per asked channel (an empty list for a channel with none here).</summary>
public sealed record OwnMembers(IReadOnlyDictionary<string, IReadOnlyList<string>> UserIds) : IWireMessage;
