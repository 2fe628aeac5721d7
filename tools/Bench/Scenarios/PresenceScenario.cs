using System.Diagnostics;
using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>presence</c>: members joining and leaving one presence channel at an offered rate of cycles (subscribe,
/// wait for <c>subscription_succeeded</c>, unsubscribe), while watchers stay in the channel. Measures the cycles
/// completed per second, the subscribe time, the server's CPU per cycle and, on our server, that every watcher got
/// each member_added and member_removed. The baseline answers the subscribes but keeps no members.
/// </summary>
public sealed class PresenceScenario : SideBySideScenario
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(30);

    public override string Name => "presence";

    protected override async Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int run, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var (watchers, churners) = (sizes.PresenceWatchers, sizes.PresenceChurners);
        var server = ScenarioContext.NameOf(kind);
        var app = BenchApp.Default;
        var process = await context.StartAsync(kind, new NodeSettings { MaxPresenceMembers = watchers + churners + 10 });
        ClientPool? watching = null, churning = null;
        try
        {
            var churn = new PresenceChurn(watchers, churners);
            var settings = ScenarioContext.ClientsOf(process);
            watching = await ClientPool.ConnectAsync(settings, watchers, churn, context.Cancel);
            churning = await ClientPool.ConnectAsync(settings, churners, churn, context.Cancel, firstIndex: watchers);
            foreach (var watcher in watching.Clients) await watcher.SubscribeAsync(churn.Prepare(watcher, app), SubscribeTimeout);
            foreach (var churner in churning.Clients) churn.Prepare(churner, app);

            var before = process.Sample();
            var started = Stopwatch.GetTimestamp();
            var offered = sizes.PresenceCyclesPerSecond * sizes.PresenceSeconds;
            var skipped = 0;
            await PacedSender.RunAsync(offered, sizes.PresenceCyclesPerSecond, 1, _ =>
            {
                if (!churn.TryStartCycle(churning.Clients)) skipped++;
                return Task.CompletedTask;
            }, CancellationToken.None);
            await QuietWait.UntilAsync(() => churn.Busy == 0, () => churn.Cycles, Quiet, context.Cancel);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var cycles = churn.Cycles;
            var expected = 2 * cycles * watchers;
            if (kind == ServerKind.Broadcaster) await QuietWait.UntilAsync(() => churn.MemberEvents >= expected, () => churn.MemberEvents, Quiet, context.Cancel);
            var cpu = process.Sample().CpuSeconds - before.CpuSeconds;
            var latency = churn.Latency();
            var @case = string.Create(CultureInfo.InvariantCulture,
                $"{churners} members joining and leaving, {watchers} staying, {sizes.PresenceCyclesPerSecond} cycles/s offered");
            context.Log($"presence run {run} {server}: {cycles / seconds:#,0} cycles/s ({skipped} offered while every churner was busy), " +
                        $"subscribe p50 {latency.PercentileMs(50):0.00} ms p99 {latency.PercentileMs(99):0.00} ms, " +
                        $"{cpu * 1e6 / Math.Max(1, cycles):0} µs CPU per cycle, member events {churn.MemberEvents} of {expected}");
            List<Measurement> results =
            [
                new(server, @case, "cycles completed", "cycles/s", cycles / seconds),
                new(server, @case, "subscribe to subscription_succeeded p50", "ms", latency.PercentileMs(50)),
                new(server, @case, "subscribe to subscription_succeeded p99", "ms", latency.PercentileMs(99)),
                new(server, @case, "server CPU per cycle", "µs", cpu * 1e6 / Math.Max(1, cycles)),
                kind == ServerKind.Broadcaster
                    ? new(server, @case, "member events missing at watchers", "events", expected - churn.MemberEvents)
                    : Measurement.Missing(server, @case, "member events missing at watchers", "events", "no members kept"),
                new(server, @case, "closed by the server", "connections", watching.Count + churning.Count - watching.OpenCount - churning.OpenCount),
            ];
            return results;
        }
        finally
        {
            churning?.Dispose();
            watching?.Dispose();
            await context.StopAsync("presence", process);
        }
    }

}
