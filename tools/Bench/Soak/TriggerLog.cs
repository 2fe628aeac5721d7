using System.Diagnostics;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// When each steady event's trigger was sent and when the node accepted it (<see cref="Stopwatch"/> ticks, 0 for not
/// yet or never): what decides which events a client that was subscribed only for a while must have received
/// (<see cref="SteadyWindow"/>). Each event's entries are written once, by the task that triggers it.
/// </summary>
public sealed class TriggerLog(int capacity)
{
    private readonly long[] _started = new long[capacity];
    private readonly long[] _accepted = new long[capacity];

    public int Capacity => capacity;

    /// <summary>Taken just before the request is sent.</summary>
    public void Started(int seq, long ticks) => Volatile.Write(ref _started[seq], ticks);

    /// <summary>Taken just after the node answered 200.</summary>
    public void Accepted(int seq, long ticks) => Volatile.Write(ref _accepted[seq], ticks);

    public long StartedAt(int seq) => Volatile.Read(ref _started[seq]);

    public long AcceptedAt(int seq) => Volatile.Read(ref _accepted[seq]);
}
