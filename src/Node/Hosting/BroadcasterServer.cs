using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.HttpApi;
using Broadcaster.Node.Tls;
using Broadcaster.Node.WebSockets;
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

    public NodeActors Actors { get; }
    public BroadcasterOptions Options { get; }

    public ILogger Logger => _web.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broadcaster");

    /// <summary>The port Kestrel is bound to (useful when started on port 0).</summary>
    public int Port => new Uri(_web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

    public static async Task<BroadcasterServer> StartAsync(BroadcasterOptions options, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            });
            builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        }
        else
        {
            logging(builder.Logging);
        }
        var tls = options.Tls.Enabled ? TlsEndpoint.Load(options.Tls) : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(ResolveHost(options.Host), options.Port, listen => tls?.Apply(listen));
            k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Host.ConfigureHostOptions(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => CreateActors(options, sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<AppConnectionCounter>()));
        builder.Services.AddSingleton(new AppDirectory(options.Apps));
        builder.Services.AddSingleton<AppConnectionCounter>();
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddSingleton<PusherWebSocketEndpoint>();
        builder.Services.AddSingleton<HttpApiEndpoint>();
        builder.Services.AddSingleton<HttpApiHandlers>();
        builder.Services.AddSingleton<ClusterQueries>();

        var web = builder.Build();
        var actors = web.Services.GetRequiredService<NodeActors>();
        Map(web, options);
        var tracker = web.Services.GetRequiredService<ConnectionTracker>();
        // SIGTERM: clients get 4200 and reconnect elsewhere while Kestrel drains; the node leaves the cluster after.
        web.Lifetime.ApplicationStopping.Register(() => DrainAsync(tracker, actors).GetAwaiter().GetResult());
        var server = new BroadcasterServer(web, actors, options);
        try
        {
            await web.StartAsync();
        }
        catch (IOException e)
        {
            await actors.System.Terminate();
            throw new SettingsException($"broadcaster.server.port: cannot listen on {options.Host}:{options.Port}: {e.Message}");
        }
        return server;
    }

    private static NodeActors CreateActors(BroadcasterOptions options, ILoggerFactory loggers, AppConnectionCounter counter)
    {
        var system = ActorSystem.Create(AkkaConfig.SystemName, AkkaConfig.Build(options.Cluster));
        var debug = loggers.CreateLogger("Broadcaster.Debug");
        var settings = options.ToConnectionSettings(line => debug.LogInformation("{Line}", line));
        var bus = system.ActorOf(NodeBus.Props(options.Limits, counter), "bus");
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

    private static void Map(WebApplication web, BroadcasterOptions options)
    {
        web.UseWebSockets();
        var root = options.PathPrefix.Length > 0 ? (IEndpointRouteBuilder)web.MapGroup(options.PathPrefix) : web;
        root.Map("/app/{key}", (HttpContext c, string key, PusherWebSocketEndpoint e) => e.HandleAsync(c, key));
        root.Map("/apps/{appId}/{**rest}", (HttpContext c, string appId, string? rest, HttpApiEndpoint e) => e.HandleAsync(c, appId, rest ?? ""));
        root.MapGet("/up", () => Results.Json(new { status = "up" }));
        root.MapGet("/ready", async (NodeActors actors, ConnectionTracker tracker) =>
        {
            var status = await actors.Bus.Ask<BusStatus>(GetBusStatus.Instance, TimeSpan.FromSeconds(5));
            var ready = status.Ready && !tracker.ShuttingDown;
            return Results.Json(new { ready, node = status.NodeId, peers = status.Peers, waiting = status.Waiting, shuttingDown = tracker.ShuttingDown },
                statusCode: ready ? 200 : 503);
        });
        web.MapFallback((HttpContext c) => Results.Json(new { error = $"Not found: {c.Request.Path}" }, statusCode: 404));
    }

    private static IPAddress ResolveHost(string host)
    {
        if (host is "0.0.0.0" or "*" or "") return IPAddress.Any;
        if (host == "localhost") return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var address)) return address;
        try
        {
            return Dns.GetHostAddresses(host).First();
        }
        catch (Exception e)
        {
            throw new SettingsException($"broadcaster.server.host: cannot resolve '{host}': {e.Message}");
        }
    }

    /// <summary>
    /// Closes every socket with 4200, then waits until their actors have left their channels and the resulting
    /// presence changes have gone out to the other nodes, so members of this node leave everywhere.
    /// </summary>
    private static async Task DrainAsync(ConnectionTracker tracker, NodeActors actors)
    {
        await tracker.CloseAllAsync(TimeSpan.FromSeconds(5));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        try
        {
            while (DateTime.UtcNow < deadline && await actors.Connections.Ask<int>(GetConnectionActorCount.Instance, TimeSpan.FromSeconds(2)) > 0)
                await Task.Delay(20);
            // Each ask queues behind what is already in the mailbox: once answered, the earlier messages were handled.
            await actors.Channels.Ask<int>(GetChannelActorCount.Instance, TimeSpan.FromSeconds(2));
            await actors.Bus.Ask<BusStatus>(GetBusStatus.Instance, TimeSpan.FromSeconds(2));
        }
        catch (AskTimeoutException)
        {
            // Shutting down regardless; the other nodes drop this node's members when it leaves.
        }
    }

    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public async Task StopAsync()
    {
        await _web.StopAsync();
        await CoordinatedShutdown.Get(Actors.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _web.DisposeAsync();
    }
}
