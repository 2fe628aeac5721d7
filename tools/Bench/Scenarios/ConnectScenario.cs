using System.Diagnostics;
using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>connect</c>: N new connections, a fixed number of handshakes in flight (a reconnect storm after a deploy):
/// connections per second reaching <c>pusher:connection_established</c>, the time each took, and the server's CPU
/// per connection. A few hundred connections first warm the server up and are closed.
/// </summary>
public sealed class ConnectScenario : SideBySideScenario
{
    private const int Warmup = 300;

    public override string Name => "connect";

    protected override async Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int run, ScenarioContext context)
    {
        var count = context.Sizes.ConnectCount;
        var inFlight = context.Sizes.ConnectInFlight;
        var server = ScenarioContext.NameOf(kind);
        var process = await context.StartAsync(kind, new NodeSettings { MaxConnections = count + Warmup + 1_000 });
        var clients = new ClientSocket?[count];
        try
        {
            var settings = ScenarioContext.ClientsOf(process);
            var ledger = new DeliveryLedger(count + Warmup);
            var warm = await ClientPool.ConnectAsync(settings, Warmup, ledger, context.Cancel, firstIndex: count);
            warm.Dispose();
            var histograms = new List<LatencyHistogram>();
            var failures = 0;
            string? firstFailure = null;
            var before = process.Sample();
            var started = Stopwatch.GetTimestamp();
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                var histogram = new LatencyHistogram();
                lock (histograms) histograms.Add(histogram);
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var begun = Stopwatch.GetTimestamp();
                    try
                    {
                        clients[i] = await ClientSocket.ConnectAsync(settings, i, 0, ledger, context.Cancel);
                        histogram.Record((long)Stopwatch.GetElapsedTime(begun).TotalMicroseconds);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !context.Cancel.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, $"{e.GetType().Name}: {e.Message}", null);
                    }
                }
            }));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cpu = process.Sample().CpuSeconds - before.CpuSeconds;
            var latency = new LatencyHistogram();
            foreach (var h in histograms) latency.Add(h);
            var connected = count - failures;
            var @case = string.Create(CultureInfo.InvariantCulture, $"{count:#,0} connections, {inFlight} handshakes in flight");
            context.Log($"connect run {run} {server}: {connected / seconds:#,0} connections/s, p50 {latency.PercentileMs(50):0.00} ms, " +
                        $"p99 {latency.PercentileMs(99):0.00} ms, {cpu * 1e6 / Math.Max(1, connected):0} µs CPU each, {failures} failed" +
                        (firstFailure is null ? "" : $" (first: {firstFailure})"));
            return
            [
                new(server, @case, "connections established", "connections/s", connected / seconds),
                new(server, @case, "time to connection_established p50", "ms", latency.PercentileMs(50)),
                new(server, @case, "time to connection_established p99", "ms", latency.PercentileMs(99)),
                new(server, @case, "server CPU per connection", "µs", cpu * 1e6 / Math.Max(1, connected)),
                new(server, @case, "failed connections", "connections", failures),
            ];
        }
        finally
        {
            foreach (var client in clients) client?.Abort();
            await context.StopAsync("connect", process);
        }
    }
}
