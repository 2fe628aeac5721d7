using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.HttpApi;
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
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(ResolveHost(options.Host), options.Port);
            k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
        builder.Host.ConfigureHostOptions(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(sp => CreateActors(options, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(new AppDirectory(options.Apps));
        builder.Services.AddSingleton<AppConnectionCounter>();
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddSingleton<PusherWebSocketEndpoint>();
        builder.Services.AddSingleton<HttpApiEndpoint>();
        builder.Services.AddSingleton<HttpApiHandlers>();

        var web = builder.Build();
        var actors = web.Services.GetRequiredService<NodeActors>();
        Map(web, options);
        var tracker = web.Services.GetRequiredService<ConnectionTracker>();
        web.Lifetime.ApplicationStopping.Register(() => tracker.CloseAllAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult());
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

    private static NodeActors CreateActors(BroadcasterOptions options, ILoggerFactory loggers)
    {
        var system = ActorSystem.Create("broadcaster", ConfigurationFactory.ParseString(OptionsLoader.ReadEmbedded("hocon/akka.conf")));
        var debug = loggers.CreateLogger("Broadcaster.Debug");
        var settings = options.ToConnectionSettings(line => debug.LogInformation("{Line}", line));
        var channels = system.ActorOf(ChannelRegistry.Props(options.Limits), "channels");
        var connections = system.ActorOf(ConnectionSupervisor.Props(channels, settings), "connections");
        return new NodeActors(system, connections, channels);
    }

    private static void Map(WebApplication web, BroadcasterOptions options)
    {
        web.UseWebSockets();
        var root = options.PathPrefix.Length > 0 ? (IEndpointRouteBuilder)web.MapGroup(options.PathPrefix) : web;
        root.Map("/app/{key}", (HttpContext c, string key, PusherWebSocketEndpoint e) => e.HandleAsync(c, key));
        root.Map("/apps/{appId}/{**rest}", (HttpContext c, string appId, string? rest, HttpApiEndpoint e) => e.HandleAsync(c, appId, rest ?? ""));
        root.MapGet("/up", () => Results.Json(new { status = "up" }));
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
