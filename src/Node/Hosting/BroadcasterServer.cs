using Akka.Actor;
using Akka.Configuration;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Akka.Cluster.Tools.PublishSubscribe;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Admin;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.HttpApi;
using Broadcaster.Node.Metrics;
using Broadcaster.Node.Tls;
using Broadcaster.Node.WebSockets;
using Broadcaster.Node.WebSockets.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// One node: Kestrel serving the WebSocket endpoint and the HTTP API on one port, and the actor system
/// behind them. Used by <c>serve</c> and, in-process, by the tests.
/// </summary>
public sealed class BroadcasterServer : IAsyncDisposable
{
    private readonly WebApplication _web;

    private BroadcasterServer(WebApplication web, NodeActors actors, BroadcasterOptions options)
    {
        _web = web;
        Actors = actors;
        Options = options;
    }

    private RestartSignal? _restart;
    private Webhooks.WebhookDispatcher? _webhooks;
    private Statistics.StatisticsWriter? _statistics;
    private Statistics.StatisticsSampler? _sampler;

    public NodeActors Actors { get; }

    /// <summary>True when the node stopped for a rolling restart (<c>restart</c> command).</summary>
    public bool RestartRequested => _restart?.Requested == true;
    public BroadcasterOptions Options { get; }

    public ILogger Logger => _web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broadcaster");

    /// <summary>The port Kestrel is bound to (useful when started on port 0).</summary>
    public int Port => new Uri(_web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    /// <summary>The separate metrics port, when one is configured.</summary>
    public int? MetricsPort => Options.MetricsEnabled && Options.MetricsPort > 0 ? Options.MetricsPort : null;

    /// <summary>
    /// Starts the node. <paramref name="time"/> is the clock of the HTTP API rate limit, signature timestamps, certificate
    /// reloads and expiry warnings, and the deadline for closing sockets: the system clock unless a test brings a fake one.
    /// </summary>
    public static async Task<BroadcasterServer> StartAsync(BroadcasterOptions options, Action<ILoggingBuilder>? logging = null,
        TimeProvider? time = null)
    {
        // The node is configured from HOCON only. ASP.NET's default sources (appsettings*.json, ASPNETCORE_* and
        // DOTNET_* variables) are dropped, and the host is told not to watch the JSON files for changes: that watch
        // (a FileSystemWatcher on the content root) outlives the sources, and in a directory whose files change
        // (logs) it alone cost a few percent of a core.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        if (logging is null) NodeLogging.Console(builder.Logging, options.LogLevel);
        else logging(builder.Logging);
        var tls = options.Tls.Enabled ? TlsEndpoint.Load(options.Tls) : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(NodeEndpoints.ResolveHost(options.Host, "broadcaster.server.host"), options.Port, listen =>
            {
                tls?.Apply(listen);
                // After TLS, before HTTP: WebSocket upgrades are taken off the HTTP layer here.
                listen.Use(next => connection =>
                    listen.ApplicationServices.GetRequiredService<PusherConnectionMiddleware>().OnConnectionAsync(connection, next));
            });
            if (options.MetricsEnabled && options.MetricsPort > 0)
                k.Listen(NodeEndpoints.ResolveHost(options.MetricsHost.Length > 0 ? options.MetricsHost : options.Host, "broadcaster.metrics.host"), options.MetricsPort);
            // The bootstrap's management endpoint, on the cluster's interface: other nodes probe it, clients never do.
            if (options.Cluster.Discovery.UsesBootstrap)
                k.Listen(NodeEndpoints.ResolveHost(options.Cluster.Hostname, "broadcaster.cluster.hostname"), options.Cluster.Discovery.ManagementPort);
            // The API enforces max-request-size itself (413). Kestrel's own ceiling sits above it so that an oversized
            // body can still be read to its end: the client then gets the 413 instead of a reset while it is sending.
            k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes * 4L;
            // Slowloris: the whole head within the timeout (the same one the WebSocket upgrade gets); bodies slower than
            // Kestrel's minimum rate (240 bytes/s after a 5 s grace) are cut off.
            k.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            k.AddServerHeader = false;
        });
        builder.Host.ConfigureHostOptions(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton<NodeMetrics>();
        var restart = new RestartSignal();
        // The actor system starts after the host is built (it logs through the host's loggers) and before it serves.
        NodeActors? started = null;
        builder.Services.AddSingleton(_ => started ?? throw new InvalidOperationException("The node's actors have not started"));
        builder.Services.AddSingleton(new AppDirectory(options.Apps));
        builder.Services.AddSingleton<AppConnectionCounter>();
        builder.Services.AddSingleton(services => new ConnectionTracker(services.GetRequiredService<TimeProvider>(), options.KeepAliveInterval));
        builder.Services.AddSingleton<ReadinessGate>();
        builder.Services.AddSingleton<PusherWebSocketEndpoint>();
        builder.Services.AddSingleton<PusherConnectionMiddleware>();
        builder.Services.AddSingleton<OwnedSocket>();
        // Registered after Kestrel's socket transport, so Kestrel binds through it (the last transport registered wins).
        builder.Services.AddSingleton<IConnectionListenerFactory, PusherTransportFactory>();
        builder.Services.AddSingleton<HttpApiEndpoint>();
        builder.Services.AddSingleton<HttpApiHandlers>();
        builder.Services.AddSingleton<ClusterQueries>();
        builder.Services.AddSingleton<Cluster.ScatterGather>();
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddSingleton<ApiRateLimiter>();
        builder.Services.AddSingleton<SignedRequest>();
        builder.Services.AddSingleton<AdminEndpoint>();
        builder.Services.AddSingleton<Webhooks.WebhookCounters>();
        builder.Services.AddSingleton<Dashboard.LiveLog>();
        builder.Services.AddSingleton<Dashboard.DashboardFeed>();
        builder.Services.AddSingleton(services => new Dashboard.DashboardAuth(options.Dashboard, services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<Dashboard.DashboardOverview>();
        builder.Services.AddSingleton<Dashboard.DashboardStatistics>();
        builder.Services.AddSingleton<Dashboard.DashboardEndpoint>();
        Webhooks.WebhookHttp.Add(builder.Services, options.Webhooks);

        var web = builder.Build();
        var clock = web.Services.GetRequiredService<TimeProvider>();
        // Before the actors: a statistics file that cannot be opened stops the start, naming the setting.
        var statistics = StatisticsHosting.OpenWriter(options.Statistics, clock, web.Services.GetRequiredService<ILoggerFactory>());
        Webhooks.WebhookDispatcher? dispatcher = null;
        var liveLog = web.Services.GetRequiredService<Dashboard.LiveLog>();
        var feed = web.Services.GetRequiredService<Dashboard.DashboardFeed>();
        var tracker = web.Services.GetRequiredService<ConnectionTracker>();
        var gate = web.Services.GetRequiredService<ReadinessGate>();
        var actors = started = await NodeActorsFactory.CreateAsync(options, web.Services.GetRequiredService<ILoggerFactory>(),
            web.Services.GetRequiredService<AppConnectionCounter>(), web.Services.GetRequiredService<NodeMetrics>(), restart.Request,
            clock,
            materializer => dispatcher = new Webhooks.WebhookDispatcher(options.Webhooks,
                web.Services.GetRequiredService<IHttpClientFactory>().CreateClient(Webhooks.WebhookHttp.ClientName), materializer,
                web.Services.GetRequiredService<Webhooks.WebhookCounters>(), web.Services.GetRequiredService<ILogger<Webhooks.WebhookDispatcher>>()),
            new NodeExtras(statistics, feed, liveLog, () => gate.IsOpen && !tracker.ShuttingDown));
        feed.Actors = actors;
        liveLog.Node = Cluster.NodeName.Self(actors.System);
        liveLog.Publish = actors.Refs.PublishToPeers;
        var sampler = StatisticsHosting.StartSampler(options, web.Services.GetRequiredService<NodeMetrics>(), actors, clock);
        NodeEndpoints.Map(web, options);
        // SIGTERM: clients get 4200 and reconnect elsewhere while Kestrel drains; the node leaves the cluster after.
        web.Lifetime.ApplicationStopping.Register(() => DrainAsync(tracker, actors, options.Cluster.QueryTimeout).GetAwaiter().GetResult());
        var server = new BroadcasterServer(web, actors, options) { _restart = restart, _webhooks = dispatcher, _statistics = statistics, _sampler = sampler };
        restart.Attach(web.Lifetime, server.Logger);
        // Downed by the split-brain resolver (cut off on the minority side), removed, or shut down by its guardian: the
        // actor system is gone, so the node stops, tells its clients to reconnect elsewhere, and asks its supervisor
        // for a fresh start.
        _ = actors.System.WhenTerminated.ContinueWith(_ =>
        {
            if (web.Lifetime.ApplicationStopping.IsCancellationRequested) return;
            restart.Request("this node's actor system stopped (removed from the cluster, or a core actor failed)");
        }, TaskScheduler.Default);
        try
        {
            await web.StartAsync();
            // Only once it listens: an open gate is what tells the other nodes this one serves (NodeSettings.Serving).
            _ = gate.WatchAsync(actors.Bus, options.Cluster.QueryTimeout, web.Lifetime.ApplicationStopping);
        }
        catch (IOException e)
        {
            await actors.System.Terminate();
            // Kestrel names the address it failed to bind, which tells the management port from the server's.
            var management = options.Cluster.Discovery;
            if (management.UsesBootstrap && e.Message.Contains($":{management.ManagementPort}", StringComparison.Ordinal))
                throw new SettingsException($"broadcaster.cluster.discovery.management-port: cannot listen on {options.Cluster.Hostname}:{management.ManagementPort}: {e.Message}");
            throw new SettingsException($"broadcaster.server.port: cannot listen on {options.Host}:{options.Port}: {e.Message}");
        }
        return server;
    }

    /// <summary>
    /// Closes every socket with 4200, then waits until their actors have left their channels and the resulting
    /// presence changes have gone out to the other nodes, so members of this node leave everywhere.
    /// </summary>
    private static async Task DrainAsync(ConnectionTracker tracker, NodeActors actors, TimeSpan ask)
    {
        // The real clock, whatever clock the node was given: a shutdown must end even under a test's fake time.
        var time = TimeProvider.System;
        await tracker.CloseAllAsync(TimeSpan.FromSeconds(5));
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(5);
        try
        {
            // Connection actors leave their channels as they stop; channel actors stop once empty, after telling presence.
            while (time.GetUtcNow() < deadline && (await actors.Connections.Ask<int>(GetConnectionActorCount.Instance, ask) > 0
                                                    || await actors.Channels.Ask<int>(GetChannelActorCount.Instance, ask) > 0))
                await Task.Delay(TimeSpan.FromMilliseconds(20), time);
            // Each ask queues behind what is already in the mailbox: once answered, presence has published its deltas,
            // and the mediator has handed them to remoting.
            await actors.Presence.Ask<PresenceStats>(GetPresenceStats.Instance, ask);
            await actors.Refs.Topic.Ask<CurrentTopics>(GetTopics.Instance, ask);
        }
        catch (Exception e) when (e is AskTimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // Shutting down regardless; the other nodes drop this node's members when it leaves.
        }
    }

    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public async Task StopAsync()
    {
        if (_sampler is not null) await _sampler.DisposeAsync();
        await _web.StopAsync();
        await CoordinatedShutdown.Get(Actors.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
        // After the actors: the webhooks their leaving causes are queued, then whatever is still unsent is abandoned.
        _webhooks?.Dispose();
        // The statistics already handed over are written.
        if (_statistics is not null) await _statistics.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _web.DisposeAsync();
    }
}
