using System.Diagnostics;

namespace Broadcaster.Bench;

/// <summary>
/// One latency run: events triggered one at a time, each carrying the <see cref="Stopwatch"/> timestamp taken just
/// before its HTTP request; the next is sent once every subscriber has received the previous one.
/// </summary>
public static class LatencyRun
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    public static async Task<LatencyStats> MeasureAsync(ClientGroup clients, EventPublisher publisher, int runId, int events, CancellationToken cancel)
    {
        var run = clients.BeginRun(runId, events, recordLatency: true);
        for (var seq = 0; seq < events; seq++)
        {
            var data = EventData.Build(runId, seq, Stopwatch.GetTimestamp(), 0);
            await publisher.TriggerAsync(EventData.Channel, EventData.EventName, data, cancel);
            await run.WaitForNextEventAsync(seq, EventTimeout, cancel);
        }
        await run.WaitAllAsync(EventTimeout, cancel);
        if (run.Duplicates > 0) throw new InvalidOperationException($"run {runId}: {run.Duplicates} deliveries arrived twice");
        var ms = run.SortedLatenciesMs();
        return new LatencyStats(Stats.Percentile(ms, 50), Stats.Percentile(ms, 90), Stats.Percentile(ms, 99), ms[^1], ms.Length);
    }
}
