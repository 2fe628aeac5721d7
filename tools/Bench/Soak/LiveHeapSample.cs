namespace Broadcaster.Bench.Soak;

/// <summary>
/// The node's heap right after a full collection (<see cref="FullCollection"/>), taken between two connection waves,
/// when only the clients that stay all run long are connected, with how many wave connections had come and gone.
/// </summary>
public sealed record LiveHeapSample(TimeSpan Elapsed, long ConnectionsChurned, long Bytes)
{
    public double Minutes => Elapsed.TotalMinutes;
}
