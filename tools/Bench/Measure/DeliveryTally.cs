namespace Broadcaster.Bench.Measure;

/// <summary>
/// What a set of clients received in one phase. <see cref="Lost"/> counts accepted events that a client still open
/// at the end never received; a client the server closed is counted in <see cref="ClosedClients"/> instead.
/// </summary>
public sealed record DeliveryTally(long Received, long Duplicates, long Lost, int ClosedClients, long LastReceivedAt,
    IReadOnlyList<LatencyHistogram> LatencyByGroup)
{
    /// <summary>How many distinct events the <see cref="Lost"/> deliveries were of.</summary>
    public long LostEvents { get; init; }

    /// <summary>How many open clients missed at least one.</summary>
    public int LostClients { get; init; }

    /// <summary>The latencies of the given groups together.</summary>
    public LatencyHistogram Latency(params int[] groups)
    {
        var merged = new LatencyHistogram();
        foreach (var g in groups.Length == 0 ? Enumerable.Range(0, LatencyByGroup.Count) : groups) merged.Add(LatencyByGroup[g]);
        return merged;
    }
}
