using System.Net;
using System.Net.Sockets;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Apps;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Bench;

/// <summary>Starts in-process nodes on 127.0.0.1 for the scenarios.</summary>
public static class BenchNodes
{
    public static readonly PusherApp App = new("bench-id", "bench-key", "bench-secret", "bench");

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Options of every benchmark node: loopback, any free HTTP port, the bench app, and no HTTP API rate limit
    /// (the shipped 1000 calls/s per app would otherwise be what the fan-out scenario measures).
    /// </summary>
    public static BroadcasterOptions Options(ClusterOptions? cluster = null) => new()
    {
        Host = "127.0.0.1",
        Port = 0,
        Apps = [App],
        ApiRequestsPerSecond = 0,
        LogLevel = LogLevel.Warning,
        AkkaLogLevel = LogLevel.Error,
        Cluster = cluster ?? new ClusterOptions(),
    };

    public static Task<BroadcasterServer> StartAsync(BroadcasterOptions options) =>
        BroadcasterServer.StartAsync(options, logging =>
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
            logging.SetMinimumLevel(LogLevel.Warning);
        });

    /// <summary>A single node (a cluster of one) that is ready.</summary>
    public static async Task<BroadcasterServer> StartSingleAsync(CancellationToken cancel)
    {
        var server = await StartAsync(Options());
        try
        {
            await WaitReadyAsync(server.Port, cancel);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Two nodes forming a cluster: both list A's cluster port as seed; fixed free cluster ports. Returns once both
    /// answer GET /ready with 200, i.e. are Up and linked to each other.
    /// </summary>
    public static async Task<(BroadcasterServer A, BroadcasterServer B)> StartPairAsync(CancellationToken cancel)
    {
        var portA = FreePort();
        var portB = FreePort();
        while (portB == portA) portB = FreePort();
        IReadOnlyList<string> seeds = [$"127.0.0.1:{portA}"];
        BroadcasterServer? a = null;
        BroadcasterServer? b = null;
        try
        {
            a = await StartAsync(Options(new ClusterOptions { Port = portA, Seeds = seeds }));
            b = await StartAsync(Options(new ClusterOptions { Port = portB, Seeds = seeds }));
            await Task.WhenAll(WaitReadyAsync(a.Port, cancel), WaitReadyAsync(b.Port, cancel));
            return (a, b);
        }
        catch
        {
            await DisposeAllAsync(b, a);
            throw;
        }
    }

    /// <summary>Disposes every server given, even when one of them fails to stop; throws the first error after.</summary>
    public static async Task DisposeAllAsync(params BroadcasterServer?[] servers)
    {
        Exception? first = null;
        foreach (var server in servers)
        {
            if (server is null) continue;
            try
            {
                await server.DisposeAsync();
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }
        if (first is not null) throw first;
    }

    public static async Task WaitReadyAsync(int port, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/ready", cancel);
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancel)}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(100, cancel);
        }
        throw new TimeoutException($"node on port {port} not ready after {ReadyTimeout.TotalSeconds}s: {last}");
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
