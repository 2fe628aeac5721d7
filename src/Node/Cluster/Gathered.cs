using Akka.Actor;

namespace Broadcaster.Node.Cluster;

/// <summary>What every node answered to one scatter-gather, and which nodes did not answer (by address).</summary>
public sealed record Gathered<T>(IReadOnlyList<(Address Node, T Answer)> Answers, IReadOnlyList<string> Missing)
{
    public bool Complete => Missing.Count == 0;
}
