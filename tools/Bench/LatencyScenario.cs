namespace Broadcaster.Bench;

/// <summary>Trigger-to-receive latency on one node with a hundred subscribers, events sent one at a time.</summary>
public static class LatencyScenario
{
    public static async Task RunAsync(BenchOptions options, ResultTable table, TextWriter log, CancellationToken cancel)
    {
        await using var node = await BenchNodes.StartSingleAsync(cancel);
        using var publisher = new EventPublisher(node.Port, BenchNodes.App);
        await using var clients = await ClientGroup.ConnectAsync(node.Port, BenchNodes.App, options.LatencyClients, cancel);
        log.WriteLine($"latency: {clients.Count} clients connected and subscribed in {clients.ConnectTime.TotalSeconds:0.0}s");

        var series = new LatencySeries($"latency 1 node N={options.LatencyClients} M={options.Events}");
        for (var run = 0; run <= options.Runs; run++)
        {
            var stats = await LatencyRun.MeasureAsync(clients, publisher, run + 1, options.Events, cancel);
            log.WriteLine($"latency: {(run == 0 ? "warm-up" : $"run {run}")}: {LatencySeries.Describe(stats)}");
            if (run > 0) series.Add(stats);
        }
        series.AddRows(table);
    }
}
