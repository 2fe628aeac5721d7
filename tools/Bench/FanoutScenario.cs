using System.Diagnostics;

namespace Broadcaster.Bench;

/// <summary>
/// One node, N subscribers of one public channel, M events triggered through the HTTP API by a few concurrent
/// senders as fast as the node accepts them: deliveries per second = N×M / time until the last client had the last
/// event. Runs alternate between a 10-byte and a 1 KB payload so both see the same machine noise.
/// </summary>
public static class FanoutScenario
{
    private static readonly int[] PayloadSizes = [10, 1024];

    public static async Task RunAsync(BenchOptions options, ResultTable table, TextWriter log, CancellationToken cancel)
    {
        await using var node = await BenchNodes.StartSingleAsync(cancel);
        using var publisher = new EventPublisher(node.Port, BenchNodes.App);
        await using var clients = await ClientGroup.ConnectAsync(node.Port, BenchNodes.App, options.Clients, cancel);
        log.WriteLine($"fanout: {clients.Count} clients connected and subscribed in {clients.ConnectTime.TotalSeconds:0.0}s");

        var deliveries = PayloadSizes.ToDictionary(s => s, _ => new List<double>());
        var accepted = PayloadSizes.ToDictionary(s => s, _ => new List<double>());
        var runId = 0;
        for (var run = 0; run <= options.Runs; run++)
        {
            foreach (var size in PayloadSizes)
            {
                var (perSecond, acceptRate) = await OneRunAsync(clients, publisher, ++runId, options.Events, size, options.Senders, cancel);
                log.WriteLine($"fanout: {(run == 0 ? "warm-up" : $"run {run}")} {size} B: {perSecond:#,0} deliveries/s, HTTP accepted {acceptRate:#,0} events/s");
                if (run == 0) continue;
                deliveries[size].Add(perSecond);
                accepted[size].Add(acceptRate);
            }
        }

        var name = $"fanout N={options.Clients} M={options.Events}";
        var small = table.Add(new ResultRow(name, "10 B payload", "deliveries/s", deliveries[10]));
        table.Add(new ResultRow(name, "1 KB payload", "deliveries/s", deliveries[1024], small));
        var smallAccept = table.Add(new ResultRow(name, "10 B: HTTP triggers accepted", "events/s", accepted[10]));
        table.Add(new ResultRow(name, "1 KB: HTTP triggers accepted", "events/s", accepted[1024], smallAccept));
    }

    private static async Task<(double Deliveries, double Accepted)> OneRunAsync(ClientGroup clients, EventPublisher publisher, int runId,
        int events, int size, int senders, CancellationToken cancel)
    {
        var payloads = Enumerable.Range(0, events).Select(seq => EventData.Build(runId, seq, 0, size)).ToArray();
        var run = clients.BeginRun(runId, events, recordLatency: false);
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var sending = Enumerable.Range(0, senders).Select(async _ =>
        {
            int seq;
            while ((seq = Interlocked.Increment(ref next)) < events)
                await publisher.TriggerAsync(EventData.Channel, EventData.EventName, payloads[seq], cancel);
        }).ToList();
        await Task.WhenAll(sending);
        var acceptedAt = Stopwatch.GetTimestamp();
        var finishedAt = await run.WaitAllAsync(TimeSpan.FromSeconds(60), cancel);
        if (run.Duplicates > 0) throw new InvalidOperationException($"run {runId}: {run.Duplicates} deliveries arrived twice");
        var seconds = (finishedAt - started) / (double)Stopwatch.Frequency;
        var acceptSeconds = (acceptedAt - started) / (double)Stopwatch.Frequency;
        return ((double)clients.Count * events / seconds, events / acceptSeconds);
    }
}
