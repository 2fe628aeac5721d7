namespace Broadcaster.Actors.Cluster;

/// <summary>Local command: restart every node of the cluster, one after another (the <c>restart</c> command).</summary>
public sealed record RestartCluster(string RequestedBy);

/// <summary>
/// Tells one node to restart gracefully after <paramref name="DelayMs"/>: the slots are spread so the nodes
/// go one after another, and a node never goes while it is the only one left Up.
/// </summary>
public sealed record RestartNode(string RequestedBy, int DelayMs) : IBusMessage;

/// <summary>Asks a node's bus how the node is doing; answered with <see cref="NodeStatusReport"/>.</summary>
public sealed record GetNodeStatus : IBusMessage
{
    public static GetNodeStatus Instance { get; } = new();
}

public sealed record NodeStatusReport(
    string NodeId, bool Ready, int Connections, int Channels, int Subscriptions, int PresenceMembers) : IBusMessage;
