namespace Broadcaster.Node.Configuration;

/// <summary>
/// <c>broadcaster.cluster.discovery</c>: how a node finds the others without a static seed list. Every method but
/// <see cref="DiscoveryMethod.Seeds"/> runs Akka.Management's cluster bootstrap: the node serves its management
/// endpoint, probes the endpoints discovery names, joins the cluster any of them knows, and forms a new one only when
/// every contact point answered and none knows a cluster.
/// </summary>
public sealed record DiscoveryOptions
{
    public DiscoveryMethod Method { get; init; } = DiscoveryMethod.Seeds;

    /// <summary>Looked up by the dns method (a name with one address per node); the config method's key.</summary>
    public string ServiceName { get; init; } = "broadcaster";

    /// <summary>"host:port" of every node's management endpoint (config method).</summary>
    public IReadOnlyList<string> Endpoints { get; init; } = [];

    /// <summary>Contact points that must answer before a new cluster may form (config: every endpoint).</summary>
    public int RequiredContactPoints { get; init; }

    /// <summary>
    /// The address other nodes probe this node's management endpoint at; empty: the cluster's public hostname (dns:
    /// the address that name resolves to when the node starts, since contact points found by DNS are addresses).
    /// </summary>
    public string ManagementHostname { get; init; } = "";

    public int ManagementPort { get; init; } = 8558;

    /// <summary>True when the node forms its cluster through Akka.Management's bootstrap rather than seeds.</summary>
    public bool UsesBootstrap => Method != DiscoveryMethod.Seeds;
}
