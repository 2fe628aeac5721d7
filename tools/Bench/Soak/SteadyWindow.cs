using System.Numerics;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// Which steady events a client subscribed for only part of the run must have received, knowing nothing of when the
/// node took its subscription in: every accepted event sent after the node had accepted one the client received, and
/// accepted before the client's last received one was sent. The node published such an event after the first and
/// before the last (triggers of one channel reach it in the order they were accepted), while the client was
/// subscribed, so missing it is a lost delivery. Events near the edges of the subscription are not judged.
/// </summary>
public static class SteadyWindow
{
    /// <summary>How many events the window holds and how many of them <paramref name="seen"/> (a bit per sequence number) lacks.</summary>
    public static (int Expected, int Missing) Check(TriggerLog log, ReadOnlySpan<ulong> seen)
    {
        long after = long.MaxValue, before = long.MinValue;
        var events = Math.Min(log.Capacity, seen.Length * 64);
        for (var w = 0; w < seen.Length; w++)
        {
            var bits = seen[w];
            while (bits != 0)
            {
                var seq = w * 64 + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                if (seq >= events) break;
                var accepted = log.AcceptedAt(seq);
                if (accepted != 0) after = Math.Min(after, accepted);
                before = Math.Max(before, log.StartedAt(seq));
            }
        }
        if (after == long.MaxValue) return (0, 0);
        int expected = 0, missing = 0;
        for (var seq = 0; seq < events; seq++)
        {
            var accepted = log.AcceptedAt(seq);
            if (accepted == 0 || log.StartedAt(seq) <= after || accepted >= before) continue;
            expected++;
            if ((seen[seq >> 6] & (1UL << (seq & 63))) == 0) missing++;
        }
        return (expected, missing);
    }
}
