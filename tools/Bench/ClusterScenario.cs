using Broadcaster.Node.Hosting;

namespace Broadcaster.Bench;

/// <summary>
/// Latency across the cluster: events triggered on node A, subscribers on node B. The baseline is a single node in
/// the same process with the same number of subscribers; runs alternate between the two so both see the same noise.
/// </summary>
public static class ClusterScenario
{
    public static async Task RunAsync(BenchOptions options, ResultTable table, TextWriter log, CancellationToken cancel)
    {
        BroadcasterServer? single = null, a = null, b = null;
        ClientGroup? singleClients = null, clusterClients = null;
        try
        {
            single = await BenchNodes.StartSingleAsync(cancel);
            var formed = DateTime.UtcNow;
            (a, b) = await BenchNodes.StartPairAsync(cancel);
            log.WriteLine($"cluster: nodes A and B ready in {(DateTime.UtcNow - formed).TotalSeconds:0.0}s");
            singleClients = await ClientGroup.ConnectAsync(single.Port, BenchNodes.App, options.LatencyClients, cancel);
            clusterClients = await ClientGroup.ConnectAsync(b.Port, BenchNodes.App, options.LatencyClients, cancel);
            using var singlePublisher = new EventPublisher(single.Port, BenchNodes.App);
            using var clusterPublisher = new EventPublisher(a.Port, BenchNodes.App);

            var baseline = new LatencySeries($"cluster baseline: 1 node N={options.LatencyClients}");
            var cluster = new LatencySeries($"cluster: trigger on A, N={options.LatencyClients} on B");
            for (var run = 0; run <= options.Runs; run++)
            {
                var label = run == 0 ? "warm-up" : $"run {run}";
                var one = await LatencyRun.MeasureAsync(singleClients, singlePublisher, run + 1, options.Events, cancel);
                log.WriteLine($"cluster: {label} single node: {LatencySeries.Describe(one)}");
                var two = await LatencyRun.MeasureAsync(clusterClients, clusterPublisher, run + 1, options.Events, cancel);
                log.WriteLine($"cluster: {label} A -> B:       {LatencySeries.Describe(two)}");
                if (run == 0) continue;
                baseline.Add(one);
                cluster.Add(two);
            }
            cluster.AddRows(table, baseline.AddRows(table));
        }
        finally
        {
            if (clusterClients is not null) await clusterClients.DisposeAsync();
            if (singleClients is not null) await singleClients.DisposeAsync();
            await BenchNodes.DisposeAllAsync(b, a, single);
        }
    }
}
