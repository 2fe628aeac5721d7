using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>dashboard</c>: what the dashboard costs delivery. The <c>channels</c> fan-out (20 channels of 100, one API event
/// per 100 deliveries, so 1,000 live log entries a second at 100k deliveries/s) on three nodes of ours per run: the
/// dashboard off (the reference), enabled with no page open, and with its live stream read throughout as an open page
/// reads it (every API event, connection and subscription goes to the log, sampled under load). The set-ups take
/// turns leading, so a busy moment of the machine hits each.
/// </summary>
public sealed class DashboardScenario : IScenario
{
    public const string Off = "dashboard off";
    public const string Closed = "dashboard closed";
    public const string Open = "dashboard open";
    private const string Password = "bench-dashboard-password";

    public string Name => "dashboard";
    public IReadOnlyList<string> Servers { get; } = [Off, Closed, Open];
    public string Reference => Off;

    public async Task<IReadOnlyList<Measurement>> RunOnceAsync(int run, ScenarioContext context)
    {
        var results = new List<Measurement>();
        var shift = (run - 1) % Servers.Count;
        foreach (var setUp in Servers.Skip(shift).Concat(Servers.Take(shift))) results.AddRange(await MeasureAsync(setUp, run, context));
        return results;
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(string setUp, int run, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var (channels, perChannel) = (sizes.Channels, sizes.SubscribersPerChannel);
        var total = channels * perChannel;
        var names = Enumerable.Range(0, channels).Select(c => $"{Name}-{c}").ToArray();
        var results = new List<Measurement>();
        var process = await context.StartAsync(ServerKind.Broadcaster, new NodeSettings { DashboardPassword = setUp == Off ? null : Password });
        ClientPool? pool = null;
        LiveLogReader? page = null;
        try
        {
            // The page is open before the clients come, as it would be on a node in service.
            if (setUp == Open) page = await LiveLogReader.OpenAsync(process.Port, Password, context.Cancel);
            var ledger = new DeliveryLedger(total);
            for (var i = 0; i < total; i++) ledger.Assign(i, i % channels);
            pool = await FanoutScenario.ConnectAsync(process, ledger, total, names, context);
            using var trigger = new TriggerClient(process.Port, BenchApp.Default);
            var phase = run * 100;
            var warmup = FanoutScenario.Plan(++phase, names, perChannel, sizes.FanoutLoads[0], sizes.WarmupSeconds, sizes.PayloadBytes);
            await StreamPhase.RunAsync(warmup, ledger, pool.Clients, trigger, [process], context);
            foreach (var load in sizes.FanoutLoads)
            {
                if (pool.OpenCount < total)
                {
                    context.Log($"{Name} {setUp}: {total - pool.OpenCount} clients were closed, reconnecting all of them");
                    pool.Dispose();
                    pool = await FanoutScenario.ConnectAsync(process, ledger, total, names, context);
                }
                var plan = FanoutScenario.Plan(++phase, names, perChannel, load, sizes.PhaseSeconds, sizes.PayloadBytes);
                var (entries, sampledOut) = (page?.Entries ?? 0, page?.SampledOut ?? 0);
                var outcome = await StreamPhase.RunAsync(plan, ledger, pool.Clients, trigger, [process], context);
                var @case = FanoutScenario.CaseOf(load);
                context.Log($"{Name} run {run} {setUp} {@case}: {StreamPhase.Describe(outcome)}");
                results.AddRange(outcome.Measurements(setUp, @case));
                if (page is null) continue;
                if (page.Failure is { } failure) throw new InvalidOperationException($"the dashboard's live stream ended: {failure.Message}", failure);
                var seconds = Math.Max(outcome.DeliverySeconds, 1e-9);
                results.Add(new(setUp, @case, "live log entries shown", "entries/s", (page.Entries - entries) / seconds));
                results.Add(new(setUp, @case, "live log entries sampled out", "entries/s", (page.SampledOut - sampledOut) / seconds));
            }
        }
        finally
        {
            pool?.Dispose();
            if (page is not null) await page.DisposeAsync();
            await context.StopAsync(Name, process);
        }
        return results;
    }
}
