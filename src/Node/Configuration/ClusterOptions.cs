namespace Broadcaster.Node.Configuration;

/// <summary>How the node joins the cluster (<c>broadcaster.cluster</c>).</summary>
public sealed record ClusterOptions
{
    public string Hostname { get; init; } = "127.0.0.1";
    /// <summary>What other nodes dial; defaults to <see cref="Hostname"/>.</summary>
    public string PublicHostname { get; init; } = "";
    public int Port { get; init; }
    /// <summary>"host:port" of seed nodes (discovery method seeds); none: this node forms a cluster of one.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];
    /// <summary>How the node finds the others when there is no seed list.</summary>
    public DiscoveryOptions Discovery { get; init; } = new();
    public TimeSpan FailureTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// How long one node waits for another's answer: cluster-wide HTTP API counts, the status command, readiness and
    /// metrics all ask with this one timeout.
    /// </summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
