namespace Broadcaster.Actors.Cluster;

/// <summary>Asks whether the node is ready; answered with <see cref="BusStatus"/>.</summary>
public sealed record GetBusStatus
{
    public static GetBusStatus Instance { get; } = new();
}

/// <summary>
/// Ready when this node is Up, its bus is subscribed to the cluster topic, and every other reachable Up node has
/// welcomed it over the topic and sent its presence snapshot. <paramref name="Waiting"/> names what is still missing;
/// <paramref name="Peers"/> counts the nodes it is linked with.
/// </summary>
public sealed record BusStatus(bool Ready, string NodeId, int Peers, IReadOnlyList<string> Waiting);

/// <summary>Local command: restart every node of the cluster, one after another (the <c>restart</c> command).</summary>
public sealed record RestartCluster(string RequestedBy);
