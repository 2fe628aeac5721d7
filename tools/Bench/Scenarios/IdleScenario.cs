using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>idle</c>: N connections that do nothing (from 50 source addresses), then the same N each subscribed to a
/// public channel of its own. Per state: resident memory per connection (RSS then minus RSS before connecting,
/// divided by N) and the server's CPU over a window that opens after a warm-up longer than one liveness round (the
/// steady state, without the tier-up compilation that follows connecting). Our server runs with activity-timeout 30 s so that every window
/// holds its liveness checks (pusher:ping answered with pusher:pong); the baseline does no liveness at all.
/// </summary>
public sealed class IdleScenario : IScenario
{
    private static readonly TimeSpan ActivityTimeout = TimeSpan.FromSeconds(30);

    public string Name => "idle";
    public IReadOnlyList<string> Servers { get; } = [ScenarioContext.Broadcaster, ScenarioContext.Baseline];
    public string Reference => ScenarioContext.Baseline;

    public async Task<IReadOnlyList<Measurement>> RunOnceAsync(int run, ScenarioContext context)
    {
        var results = new List<Measurement>();
        foreach (var count in context.Sizes.IdleConnections)
            foreach (var kind in ScenarioContext.Order(run))
                results.AddRange(await MeasureAsync(kind, count, run, context));
        return results;
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int count, int run, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var server = ScenarioContext.NameOf(kind);
        var settle = TimeSpan.FromSeconds(sizes.IdleSettleSeconds);
        var results = new List<Measurement>();
        var process = await context.StartAsync(kind, new NodeSettings { MaxConnections = count + 1_000, ActivityTimeout = ActivityTimeout });
        ClientPool? pool = null;
        try
        {
            await Task.Delay(settle, context.Cancel);
            var before = process.Sample();
            var ledger = new DeliveryLedger(count);
            pool = await ClientPool.ConnectAsync(ScenarioContext.ClientsOf(process), count, ledger, context.Cancel, parallel: 128);
            var connected = Text($"{count:#,0} connections");
            results.AddRange(await WindowAsync(process, before, count, server, connected, context));

            await pool.SubscribeAsync(c => $"idle-{c.Index}", context.Cancel, parallel: 128);
            var subscribed = Text($"{count:#,0} connections, each subscribed to its own channel");
            results.AddRange(await WindowAsync(process, before, count, server, subscribed, context));

            var closed = ledger.CloseCodes.Values.Sum();
            results.Add(new(server, connected, "closed by the server", "connections", closed));
            context.Log($"idle run {run} {server} {count}: {closed} closed by the server" +
                        (closed > 0 ? $" (codes {string.Join(", ", ledger.CloseCodes.Select(c => $"{c.Key}×{c.Value}"))})" : ""));
        }
        finally
        {
            pool?.Dispose();
            await context.StopAsync(Name, process);
        }
        return results;
    }

    private static async Task<IEnumerable<Measurement>> WindowAsync(ServerProcess process, ProcessSample empty, int connections, string server, string @case, ScenarioContext context)
    {
        await Task.Delay(TimeSpan.FromSeconds(context.Sizes.IdleSettleSeconds), context.Cancel);
        var settled = process.Sample();
        await Task.Delay(TimeSpan.FromSeconds(context.Sizes.IdleWarmupSeconds), context.Cancel);
        var start = process.Sample();
        var gcBefore = await context.ScrapeAsync(process);
        await Task.Delay(TimeSpan.FromSeconds(context.Sizes.IdleWindowSeconds), context.Cancel);
        var end = process.Sample();
        var gc = (await context.ScrapeAsync(process)).Since(gcBefore);
        var perConnectionKb = (settled.RssBytes - empty.RssBytes) / (double)connections / 1024;
        var cpu = end.CoresSince(start) * 100;
        context.Log($"idle {server} {@case}: RSS {settled.RssBytes / 1048576.0:0} MB ({perConnectionKb:0.0} KB per connection), " +
                    $"CPU {cpu:0.00}% of a core over {context.Sizes.IdleWindowSeconds}s, {gc.Gen0} GCs");
        return
        [
            new(server, @case, "RSS per connection", "KB", perConnectionKb),
            new(server, @case, "server RSS", "MB", settled.RssBytes / 1048576.0),
            new(server, @case, "server CPU", "% of a core", cpu),
            new(server, @case, "GCs during the window", "count", gc.Gen0),
        ];
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
