namespace Broadcaster.Bench.Measure;

/// <summary>
/// What a set of clients received in one phase. <see cref="Lost"/> counts accepted events that a client still open
/// at the end never received; a client the server closed is counted in <see cref="ClosedClients"/> instead.
/// </summary>
public sealed record DeliveryTally(long Received, long Duplicates, long Lost, int ClosedClients, long LastReceivedAt,
    IReadOnlyList<LatencyHistogram> LatencyByGroup)
{
    /// <summary>The latencies of the given groups together.</summary>
    public LatencyHistogram Latency(params int[] groups)
    {
        var merged = new LatencyHistogram();
        foreach (var g in groups.Length == 0 ? Enumerable.Range(0, LatencyByGroup.Count) : groups) merged.Add(LatencyByGroup[g]);
        return merged;
    }
}
