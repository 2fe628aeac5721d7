using System.Diagnostics;
using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>slow</c>: readers and clients that stop reading, all in one channel with a steady stream of 1 KB events. The
/// slow clients' kernel receive buffer is small (4 KB, else Linux lets it grow to 32 MB), so the server notices them
/// within seconds. Measures the readers' rate, p99 and losses, when the server closed the slow clients (from its
/// connection count; 4100 on ours), and its peak memory. The stream stops a few seconds after the last slow client
/// is gone, or at the limit.
/// </summary>
public sealed class SlowScenario : SideBySideScenario
{
    private const string Channel = "slow";
    private const int SlowReceiveBuffer = 4096;
    private static readonly TimeSpan After = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public override string Name => "slow";

    protected override async Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int run, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var server = ScenarioContext.NameOf(kind);
        var process = await context.StartAsync(kind, new NodeSettings());
        ClientPool? readers = null, slow = null;
        try
        {
            var ledger = new DeliveryLedger(sizes.SlowReaders + sizes.SlowClients);
            var settings = ScenarioContext.ClientsOf(process);
            readers = await ClientPool.ConnectAsync(settings, sizes.SlowReaders, ledger, context.Cancel);
            slow = await ClientPool.ConnectAsync(settings with { SocketReceiveBufferBytes = SlowReceiveBuffer }, sizes.SlowClients, ledger,
                context.Cancel, firstIndex: sizes.SlowReaders);
            await readers.SubscribeAsync(_ => Channel, context.Cancel);
            await slow.SubscribeAsync(_ => Channel, context.Cancel);
            foreach (var client in slow.Clients) client.Pause();
            var rssBefore = process.Sample().RssBytes;

            using var trigger = new TriggerClient(process.Port, BenchApp.Default);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancel);
            var started = Stopwatch.GetTimestamp();
            var watch = WatchClosesAsync(process, sizes.SlowReaders + sizes.SlowClients, sizes.SlowReaders, started, stop, context);
            var plan = new StreamPlan(run, [Channel], sizes.SlowEventsPerSecond, sizes.SlowEventsPerSecond * sizes.SlowLimitSeconds, sizes.SlowPayloadBytes);
            var outcome = await StreamPhase.RunAsync(plan, ledger, readers.Clients, trigger, [process], context, stop.Token);
            await stop.CancelAsync();
            var (first, all) = await watch;
            var peak = process.Sample().PeakRssBytes;

            // Reading again shows how each slow client ended: the server's close frame, or a dropped connection.
            foreach (var client in slow.Clients) client.Resume();
            var deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
            while (slow.OpenCount > 0 && Stopwatch.GetTimestamp() < deadline) await Task.Delay(50, context.Cancel);
            var closedSlow = slow.Clients.Count(c => c.IsClosed);
            var saw4100 = slow.Clients.Count(c => c.CloseCode == 4100);

            var latency = outcome.Tally.Latency();
            var @case = string.Create(CultureInfo.InvariantCulture,
                $"{sizes.SlowReaders:#,0} reading + {sizes.SlowClients:#,0} not reading, {sizes.SlowEventsPerSecond} × {sizes.SlowPayloadBytes / 1024} KB events/s");
            var limit = $"not all closed within {sizes.SlowLimitSeconds} s";
            context.Log($"slow run {run} {server}: readers {StreamPhase.Describe(outcome)}; slow closed after {first:0.0}-{all:0.0} s, " +
                        $"{closedSlow} closed ({saw4100} saw 4100), peak RSS {peak / 1048576.0:0} MB");
            return
            [
                new(server, @case, "readers: delivered", "deliveries/s", outcome.DeliveredPerSecond),
                new(server, @case, "readers: latency p50", "ms", latency.PercentileMs(50)),
                new(server, @case, "readers: latency p99", "ms", latency.PercentileMs(99)),
                new(server, @case, "readers: lost", "deliveries", outcome.Tally.Lost),
                new(server, @case, "readers: closed by the server", "connections", outcome.Tally.ClosedClients),
                double.IsNaN(first) ? Measurement.Missing(server, @case, "first slow client closed after", "s", limit)
                    : new(server, @case, "first slow client closed after", "s", first),
                double.IsNaN(all) ? Measurement.Missing(server, @case, "last slow client closed after", "s", limit)
                    : new(server, @case, "last slow client closed after", "s", all),
                new(server, @case, "slow clients closed", "connections", closedSlow),
                new(server, @case, "slow clients that received close code 4100", "connections", saw4100),
                new(server, @case, "server RSS before the stream", "MB", rssBefore / 1048576.0),
                new(server, @case, "server peak RSS", "MB", peak / 1048576.0),
            ];
        }
        finally
        {
            slow?.Dispose();
            readers?.Dispose();
            await context.StopAsync("slow", process);
        }
    }

    /// <summary>
    /// Polls the server's connection count: seconds after <paramref name="started"/> until the first and the last slow
    /// client were gone (NaN if not); stops the stream a little after the last one.
    /// </summary>
    private static async Task<(double First, double All)> WatchClosesAsync(ServerProcess process, int total, int readers, long started,
        CancellationTokenSource stop, ScenarioContext context)
    {
        double first = double.NaN, all = double.NaN;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(Poll, stop.Token);
                var connected = (await context.ScrapeAsync(process)).Connected;
                var at = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (double.IsNaN(first) && connected < total) first = at;
                if (connected > readers) continue;
                all = at;
                stop.CancelAfter(After);
                break;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !context.Cancel.IsCancellationRequested)
        {
            // The stream reached its limit first.
        }
        return (first, all);
    }
}
