using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Streams;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Guardian;
using Broadcaster.Actors.Statistics;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Node.Bootstrap;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.Hosting;

/// <summary>Creates the node's actor system, starts the node guardian and joins the cluster (<see cref="ClusterFormation"/>).</summary>
public static class NodeActorsFactory
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <param name="restart">Called when this node's turn in a rolling restart comes.</param>
    /// <param name="webhooks">Makes the node's webhook sender on its actor system (the pipelines run on its materializer).</param>
    public static async Task<NodeActors> CreateAsync(BroadcasterOptions options, ILoggerFactory loggers, AppConnectionCounter counter,
        NodeMetrics metrics, Action<string> restart, TimeProvider time, Func<IMaterializer, IWebhookSink>? webhooks = null, NodeExtras? extras = null)
    {
        var cluster = ClusterFormation.Resolve(options.Cluster);
        var setup = BootstrapSetup.Create().WithConfig(AkkaConfig.Build(cluster, options.AkkaLogLevel))
            .And(new LoggerFactorySetup(loggers));
        var system = ActorSystem.Create(AkkaConfig.SystemName, setup);
        var debug = loggers.CreateLogger("Broadcaster.Debug");
        var apps = options.Apps.ToDictionary(a => a.Id, StringComparer.Ordinal);
        var settings = new NodeSettings
        {
            Channels = new ChannelSettings
            {
                Limits = options.Limits,
                Apps = id => apps.GetValueOrDefault(id),
                CacheTtl = options.CacheTtl,
                Time = time,
            },
            Webhooks = webhooks is null || !options.Apps.Any(a => a.Webhooks is { Count: > 0 }) ? NoWebhooks.Instance : webhooks(system.Materializer()),
            WebhookDelay = options.Webhooks.DelayVacated,
            Connections = options.ToConnectionSettings(line => debug.LogInformation("{Line}", line), metrics.Actors, time) with { Activity = extras?.Activity },
            Statistics = extras?.Statistics ?? NoStatistics.Instance,
            Dashboard = extras?.Dashboard,
            ConnectionCounter = counter,
            Restart = who => restart($"rolling restart requested by {who}"),
            Serving = extras?.Serving ?? (() => true),
            QueryTimeout = options.Cluster.QueryTimeout,
            Time = time,
        };
        try
        {
            var refs = await NodeRefs.StartAsync(system, settings).WaitAsync(StartTimeout);
            await ClusterFormation.StartAsync(system, cluster, loggers.CreateLogger("Broadcaster.Cluster"));
            return new NodeActors(system, refs);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }
}
