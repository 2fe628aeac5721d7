using Akka.Actor;
using Akka.Actor.Setup;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.Hosting;

/// <summary>Creates the node's actor system and long-lived actors, and joins the cluster.</summary>
public static class NodeActorsFactory
{
    /// <param name="restart">Called when this node's turn in a rolling restart comes.</param>
    public static NodeActors Create(BroadcasterOptions options, ILoggerFactory loggers, AppConnectionCounter counter, NodeMetrics metrics,
        Action<string> restart)
    {
        var setup = BootstrapSetup.Create().WithConfig(AkkaConfig.Build(options.Cluster, options.AkkaLogLevel))
            .And(new LoggerFactorySetup(loggers));
        var system = ActorSystem.Create(AkkaConfig.SystemName, setup);
        var debug = loggers.CreateLogger("Broadcaster.Debug");
        var settings = options.ToConnectionSettings(line => debug.LogInformation("{Line}", line), metrics.Actors);
        var bus = system.ActorOf(NodeBus.Props(options.Limits, counter, metrics.Actors, who => restart($"rolling restart requested by {who}")), "bus");
        var channels = bus.Ask<IActorRef>(GetRegistry.Instance, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var connections = system.ActorOf(ConnectionSupervisor.Props(channels, settings), "connections");
        // Without seeds the node forms a cluster of one, so a single node needs no cluster settings at all.
        if (options.Cluster.Seeds.Count == 0)
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
        return new NodeActors(system, connections, channels, bus);
    }
}
