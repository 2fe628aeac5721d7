using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>fanout</c> (one channel of 2,000 subscribers) and <c>channels</c> (20 channels of 100): each offered load in
/// deliveries per second for a fixed time, on one fresh server of each kind per run. Clients the server closed are
/// reconnected before the next load, so every load starts with every subscriber.
/// </summary>
public sealed class FanoutScenario(string name, int channels, int subscribersPerChannel) : SideBySideScenario
{
    public override string Name { get; } = name;

    public static FanoutScenario Fanout(BenchSizes sizes) => new("fanout", 1, sizes.FanoutSubscribers);

    public static FanoutScenario Channels(BenchSizes sizes) => new("channels", sizes.Channels, sizes.SubscribersPerChannel);

    protected override async Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int run, ScenarioContext context)
    {
        var server = ScenarioContext.NameOf(kind);
        var names = Enumerable.Range(0, channels).Select(c => channels == 1 ? Name : $"{Name}-{c}").ToArray();
        var process = await context.StartAsync(kind, new NodeSettings());
        try
        {
            return await OfferLoadsAsync(Name, server, run, process, names, subscribersPerChannel, context);
        }
        finally
        {
            await context.StopAsync(Name, process);
        }
    }

    /// <summary>
    /// Connects and subscribes <paramref name="names"/> × <paramref name="subscribersPerChannel"/> clients to
    /// <paramref name="process"/>, warms up, then offers every load of the sizes, reconnecting clients the server
    /// closed before each. <paramref name="extras"/>, when given, is called before each load and returns what to add
    /// to the load's figures once it is over.
    /// </summary>
    internal static async Task<List<Measurement>> OfferLoadsAsync(string scenario, string server, int run, ServerProcess process,
        string[] names, int subscribersPerChannel, ScenarioContext context,
        Func<Func<string, StreamOutcome, IEnumerable<Measurement>>>? extras = null)
    {
        var sizes = context.Sizes;
        var total = names.Length * subscribersPerChannel;
        var results = new List<Measurement>();
        ClientPool? pool = null;
        try
        {
            var ledger = new DeliveryLedger(total);
            for (var i = 0; i < total; i++) ledger.Assign(i, i % names.Length);
            pool = await ConnectAsync(process, ledger, total, names, context);
            using var trigger = new TriggerClient(process.Port, BenchApp.Default);
            var phase = run * 100;
            var warmup = Plan(++phase, names, subscribersPerChannel, sizes.FanoutLoads[0], sizes.WarmupSeconds, sizes.PayloadBytes);
            await StreamPhase.RunAsync(warmup, ledger, pool.Clients, trigger, [process], context);
            foreach (var load in sizes.FanoutLoads)
            {
                if (pool.OpenCount < total)
                {
                    context.Log($"{scenario} {server}: {total - pool.OpenCount} clients were closed, reconnecting all of them");
                    pool.Dispose();
                    pool = await ConnectAsync(process, ledger, total, names, context);
                }
                var plan = Plan(++phase, names, subscribersPerChannel, load, sizes.PhaseSeconds, sizes.PayloadBytes);
                var after = extras?.Invoke();
                var outcome = await StreamPhase.RunAsync(plan, ledger, pool.Clients, trigger, [process], context);
                var @case = CaseOf(load);
                context.Log($"{scenario} run {run} {server} {@case}: {StreamPhase.Describe(outcome)}");
                results.AddRange(outcome.Measurements(server, @case));
                if (after is not null) results.AddRange(after(@case, outcome));
            }
        }
        finally
        {
            pool?.Dispose();
        }
        return results;
    }

    /// <summary>A phase offering <paramref name="deliveriesPerSecond"/> over channels of <paramref name="subscribersPerChannel"/>.</summary>
    private static StreamPlan Plan(int phase, string[] names, int subscribersPerChannel, int deliveriesPerSecond, int seconds, int payload)
    {
        var eventsPerSecond = (double)deliveriesPerSecond / subscribersPerChannel;
        return new StreamPlan(phase, names, eventsPerSecond, (int)Math.Ceiling(eventsPerSecond * seconds), payload);
    }

    /// <summary>Connects <paramref name="total"/> clients and subscribes client i to channel i modulo the channels.</summary>
    private static async Task<ClientPool> ConnectAsync(ServerProcess process, DeliveryLedger ledger, int total, string[] names, ScenarioContext context)
    {
        var pool = await ClientPool.ConnectAsync(ScenarioContext.ClientsOf(process), total, ledger, context.Cancel);
        try
        {
            await pool.SubscribeAsync(c => names[c.Index % names.Length], context.Cancel);
            return pool;
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    public static string CaseOf(int deliveriesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"{deliveriesPerSecond / 1000.0:0.#}k deliveries/s offered");
}
