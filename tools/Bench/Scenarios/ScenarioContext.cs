using System.Net;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>What every scenario uses: the sizes, the server launcher, the log, and what the servers logged.</summary>
public sealed class ScenarioContext(BenchSizes sizes, ServerLauncher launcher, TextWriter log, CancellationToken cancel) : IDisposable
{
    public const string Broadcaster = "broadcaster";
    public const string Baseline = "baseline";
    private readonly List<string> _serverProblems = [];

    public BenchSizes Sizes { get; } = sizes;
    public ServerLauncher Launcher { get; } = launcher;
    public CancellationToken Cancel { get; } = cancel;

    /// <summary>For /metrics: one client for the whole benchmark.</summary>
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Warning and error lines the servers logged, prefixed with the server and scenario.</summary>
    public IReadOnlyList<string> ServerProblems
    {
        get
        {
            lock (_serverProblems) return _serverProblems.ToList();
        }
    }

    public static string NameOf(ServerKind kind) => kind == ServerKind.Broadcaster ? Broadcaster : Baseline;

    /// <summary>Both servers, our server first in odd runs and the baseline first in even ones, so drift hits both.</summary>
    public static IEnumerable<ServerKind> Order(int run) =>
        run % 2 == 1 ? [ServerKind.Broadcaster, ServerKind.Baseline] : [ServerKind.Baseline, ServerKind.Broadcaster];

    public async Task<ServerProcess> StartAsync(ServerKind kind, NodeSettings settings) =>
        kind == ServerKind.Broadcaster ? await Launcher.StartNodeAsync(settings, Cancel) : await Launcher.StartBaselineAsync(Cancel);

    public static ClientSettings ClientsOf(ServerProcess server) => new(new IPEndPoint(IPAddress.Loopback, server.Port), BenchApp.Default.Key);

    public void Log(string line) => log.WriteLine($"{DateTime.Now:HH:mm:ss} {line}");

    /// <summary>Keeps what a server logged as warnings or errors, then stops it.</summary>
    public async Task StopAsync(string scenario, ServerProcess server)
    {
        var (first, count) = server.Problems;
        await server.DisposeAsync();
        if (count == 0) return;
        Log($"{scenario}: {server.Name} logged {count} warning/error lines");
        lock (_serverProblems) _serverProblems.AddRange(first.Select(line => $"{scenario} / {server.Name}: {line}"));
    }

    public async Task<ServerMetrics> ScrapeAsync(ServerProcess server) => await ServerMetrics.ScrapeAsync(Http, server, Cancel);

    public void Dispose() => Http.Dispose();
}
