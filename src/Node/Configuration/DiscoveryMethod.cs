namespace Broadcaster.Node.Configuration;

/// <summary>How a node finds the other nodes of its cluster (<c>broadcaster.cluster.discovery.method</c>).</summary>
public enum DiscoveryMethod
{
    /// <summary>The static <c>broadcaster.cluster.seeds</c>; none: the node forms a cluster of one.</summary>
    Seeds,

    /// <summary>Cluster bootstrap over the management endpoints listed in <c>discovery.endpoints</c>.</summary>
    Config,

    /// <summary>Cluster bootstrap over the addresses the service name resolves to (A, else AAAA records).</summary>
    Dns,
}
