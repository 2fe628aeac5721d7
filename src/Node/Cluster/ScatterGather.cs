using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Guardian;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Cluster;

/// <summary>
/// The one way the node asks every node of the cluster something (cluster-wide channel counts, the status command):
/// one ask per node per request, all at once, each with <c>broadcaster.cluster.query-timeout</c>. A node that is
/// unreachable or does not answer in time is left out of the answers and named in <see cref="Gathered{T}.Missing"/>,
/// so a slow or dying node makes an answer incomplete, never late or failed.
/// </summary>
public sealed class ScatterGather(NodeActors actors, BroadcasterOptions options)
{
    /// <summary>Nodes that serve clients: Up, or Leaving while their clients drain.</summary>
    private static readonly MemberStatus[] Serving = [MemberStatus.Up, MemberStatus.Leaving];

    /// <param name="actor">The name of the asked actor under the node guardian, the same on every node (e.g. "channels").</param>
    /// <param name="local">This node's actor of that name, asked directly.</param>
    public async Task<Gathered<T>> AskEveryNodeAsync<T>(string actor, IActorRef local, IWireMessage query)
    {
        var cluster = Akka.Cluster.Cluster.Get(actors.System);
        var state = cluster.State;
        var self = cluster.SelfAddress;
        var timeout = options.Cluster.QueryTimeout;
        var missing = new List<string>();
        var asks = new List<(Address Node, Task<T> Answer)> { (self, local.Ask<T>(query, timeout)) };
        foreach (var member in state.Members.Where(m => Serving.Contains(m.Status) && !m.Address.Equals(self)))
        {
            if (state.Unreachable.Contains(member))
            {
                missing.Add(member.Address.ToString());
                continue;
            }
            var path = new RootActorPath(member.Address) / "user" / NodeRefs.GuardianName / actor;
            asks.Add((member.Address, actors.System.ActorSelection(path).Ask<T>(query, timeout)));
        }
        var answers = new List<(Address, T)>();
        foreach (var (node, answer) in asks)
        {
            try
            {
                answers.Add((node, await answer));
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                missing.Add(node.ToString());
            }
        }
        return new Gathered<T>(answers, missing);
    }
}
