using System.Globalization;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// <c>cluster</c>: three nodes of our server with the same number of subscribers on each, events triggered on node
/// A, against one node with that many subscribers. Compares the latency on the nodes the events cross to (B and C)
/// with the single node's, and their CPU per delivery with the single node's (which also handles the triggers).
/// The baseline has no cluster, so the reference here is our single node.
/// </summary>
public sealed class ClusterScenario : IScenario
{
    private const string Channel = "cluster";
    private const string ThreeNodes = "broadcaster, 3 nodes";
    private const string OneNode = "broadcaster, 1 node";

    public string Name => "cluster";
    public IReadOnlyList<string> Servers { get; } = [ThreeNodes, OneNode];
    public string Reference => OneNode;

    public async Task<IReadOnlyList<Measurement>> RunOnceAsync(int run, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var @case = string.Create(CultureInfo.InvariantCulture,
            $"{sizes.ClusterSubscribersPerNode} subscribers per node, {sizes.ClusterEventsPerSecond} events/s triggered on one node");
        var results = new List<Measurement>();
        double single = double.NaN, remote = double.NaN;
        foreach (var nodes in run % 2 == 1 ? new[] { 3, 1 } : [1, 3])
        {
            var (p50, measurements) = await MeasureAsync(nodes, run, @case, context);
            results.AddRange(measurements);
            if (nodes == 1) single = p50; else remote = p50;
        }
        results.Add(new(ThreeNodes, @case, "latency p50 added by the cross-node hop", "ms", remote - single));
        return results;
    }

    /// <summary>Returns the p50 latency of the receiving nodes' subscribers and every figure.</summary>
    private static async Task<(double P50, IReadOnlyList<Measurement> Results)> MeasureAsync(int nodes, int run, string @case, ScenarioContext context)
    {
        var sizes = context.Sizes;
        var perNode = sizes.ClusterSubscribersPerNode;
        var server = nodes == 1 ? OneNode : ThreeNodes;
        var processes = nodes == 1
            ? [await context.Launcher.StartNodeAsync(new NodeSettings(), context.Cancel)]
            : await context.Launcher.StartClusterAsync(nodes, new NodeSettings(), context.Cancel);
        var pools = new List<ClientPool>();
        try
        {
            var ledger = new DeliveryLedger(nodes * perNode, nodes);
            for (var n = 0; n < nodes; n++)
            {
                var pool = await ClientPool.ConnectAsync(ScenarioContext.ClientsOf(processes[n]), perNode, ledger, context.Cancel, group: n, firstIndex: n * perNode);
                pools.Add(pool);
                await pool.SubscribeAsync(_ => Channel, context.Cancel);
            }
            var clients = pools.SelectMany(p => p.Clients).ToList();
            using var trigger = new TriggerClient(processes[0].Port, BenchApp.Default);
            var phase = run * 10;
            var warmup = new StreamPlan(++phase, [Channel], sizes.ClusterEventsPerSecond, sizes.ClusterEventsPerSecond * sizes.WarmupSeconds, sizes.PayloadBytes);
            await StreamPhase.RunAsync(warmup, ledger, clients, trigger, processes, context);
            var plan = new StreamPlan(++phase, [Channel], sizes.ClusterEventsPerSecond, sizes.ClusterEventsPerSecond * sizes.ClusterSeconds, sizes.PayloadBytes);
            var outcome = await StreamPhase.RunAsync(plan, ledger, clients, trigger, processes, context);
            context.Log($"cluster run {run} {server}: {StreamPhase.Describe(outcome)}");

            // On one node, that node is both the triggering and the receiving one.
            var receiving = nodes == 1 ? [0] : Enumerable.Range(1, nodes - 1).ToArray();
            var remoteLatency = outcome.Tally.Latency(receiving);
            var localLatency = outcome.Tally.Latency(0);
            var receivingDeliveries = ledger.Tally(receiving.SelectMany(n => pools[n].Clients)).Received;
            var localDeliveries = ledger.Tally(pools[0].Clients).Received;
            var receivingCpu = receiving.Sum(n => outcome.ServerCpuSeconds[n]);
            return (remoteLatency.PercentileMs(50),
            [
                new(server, @case, "latency p50, subscribers on the receiving nodes", "ms", remoteLatency.PercentileMs(50)),
                new(server, @case, "latency p99, subscribers on the receiving nodes", "ms", remoteLatency.PercentileMs(99)),
                new(server, @case, "latency p50, subscribers on the triggering node", "ms", localLatency.PercentileMs(50)),
                new(server, @case, "CPU per delivery, receiving nodes", "µs", receivingCpu * 1e6 / Math.Max(1, receivingDeliveries)),
                new(server, @case, "CPU per delivery, triggering node", "µs", outcome.ServerCpuSeconds[0] * 1e6 / Math.Max(1, localDeliveries)),
                new(server, @case, "delivered", "deliveries/s", outcome.DeliveredPerSecond),
                new(server, @case, "lost", "deliveries", outcome.Tally.Lost),
                new(server, @case, "duplicated", "deliveries", outcome.Tally.Duplicates),
                new(server, @case, "closed by the server", "connections", outcome.Tally.ClosedClients),
            ]);
        }
        finally
        {
            foreach (var pool in pools) pool.Dispose();
            foreach (var process in processes) await context.StopAsync("cluster", process);
        }
    }
}
