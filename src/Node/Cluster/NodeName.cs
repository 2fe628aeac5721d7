using Akka.Actor;

namespace Broadcaster.Node.Cluster;

/// <summary>
/// How the dashboard and the statistics name a node: <c>host:port</c> of its cluster address, which a restart keeps
/// (the wire's node ids add the incarnation; a graph wants one line per node across restarts).
/// </summary>
public static class NodeName
{
    public static string Of(Address address) => $"{address.Host}:{address.Port}";

    public static string Self(ActorSystem system) => Of(Akka.Cluster.Cluster.Get(system).SelfAddress);
}
