using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// Every multi-node test class belongs here: they run one after another and apart from the other tests, so
/// several ActorSystems with short failure-detector timings never compete for the CPU with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
