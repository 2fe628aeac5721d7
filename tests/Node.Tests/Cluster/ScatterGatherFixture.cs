using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Cluster;

/// <summary>
/// Three nodes with a short <c>broadcaster.cluster.query-timeout</c>: a node that does not answer costs a request half
/// a second instead of the default three, which is also how a test tells the configured timeout was the one used.
/// </summary>
public sealed class ScatterGatherFixture : ClusterFixture
{
    public static readonly TimeSpan QueryTimeout = TimeSpan.FromMilliseconds(500);
    public const string AdminSecret = "scatter-admin-secret";

    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) =>
        defaults with { Cluster = defaults.Cluster with { QueryTimeout = QueryTimeout }, AdminSecret = AdminSecret };
}
