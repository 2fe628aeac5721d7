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
        var names = Enumerable.Range(0, context.Sizes.Channels).Select(c => $"{Name}-{c}").ToArray();
        var process = await context.StartAsync(ServerKind.Broadcaster, new NodeSettings { DashboardPassword = setUp == Off ? null : Password });
        LiveLogReader? page = null;
        try
        {
            // The page is open before the clients come, as it would be on a node in service.
            if (setUp == Open) page = await LiveLogReader.OpenAsync(process.Port, Password, context.Cancel);
            return await FanoutScenario.OfferLoadsAsync(Name, setUp, run, process, names, context.Sizes.SubscribersPerChannel, context,
                page is null ? null : () => PageFigures(page, setUp));
        }
        finally
        {
            if (page is not null) await page.DisposeAsync();
            await context.StopAsync(Name, process);
        }
    }

    /// <summary>Taken before a load: after it, what the open page was shown and what the node sampled out, per second.</summary>
    private static Func<string, StreamOutcome, IEnumerable<Measurement>> PageFigures(LiveLogReader page, string setUp)
    {
        var (entries, sampledOut) = (page.Entries, page.SampledOut);
        return (@case, outcome) =>
        {
            if (page.Failure is { } failure) throw new InvalidOperationException($"the dashboard's live stream ended: {failure.Message}", failure);
            var seconds = Math.Max(outcome.DeliverySeconds, 1e-9);
            return
            [
                new(setUp, @case, "live log entries shown", "entries/s", (page.Entries - entries) / seconds),
                new(setUp, @case, "live log entries sampled out", "entries/s", (page.SampledOut - sampledOut) / seconds),
            ];
        };
    }
}
