using Akka.Cluster;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// How messages name a node: its address and incarnation uid, so a node restarted on the same address is a new
/// origin and nothing its previous incarnation sent can be taken for its own.
/// </summary>
public static class NodeIds
{
    public static string Of(UniqueAddress address) => $"{address.Address}#{address.Uid}";

    /// <summary>The address part, without the incarnation.</summary>
    public static string AddressOf(string nodeId) => nodeId.Split('#')[0];
}
