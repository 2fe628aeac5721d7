using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench.Tests.Soak;

public class SteadyWindowTests
{
    /// <summary>Event i sent at 10 i and accepted at 10 i + 3 (ticks), as a trigger loop does at a steady rate.</summary>
    private static TriggerLog Log(int events, params int[] refused)
    {
        var log = new TriggerLog(events);
        for (var i = 0; i < events; i++)
        {
            log.Started(i, 10 * i + 1);
            if (!refused.Contains(i)) log.Accepted(i, 10 * i + 3);
        }
        return log;
    }

    private static ulong[] Seen(int events, IEnumerable<int> seqs)
    {
        var bits = new ulong[(events + 63) / 64];
        foreach (var s in seqs) bits[s >> 6] |= 1UL << (s & 63);
        return bits;
    }

    [Fact]
    public void Every_event_between_the_first_and_the_last_received_one_is_owed_and_the_edges_are_not()
    {
        var log = Log(200);

        Assert.Equal((59, 0), SteadyWindow.Check(log, Seen(200, Enumerable.Range(70, 61))));
        Assert.Equal((59, 2), SteadyWindow.Check(log, Seen(200, Enumerable.Range(70, 61).Except([90, 91]))));
    }

    [Fact]
    public void An_event_the_node_refused_is_not_owed()
    {
        var log = Log(100, refused: 50);

        Assert.Equal((58, 0), SteadyWindow.Check(log, Seen(100, Enumerable.Range(20, 61).Except([50]))));
    }

    [Fact]
    public void An_event_accepted_after_the_last_received_one_was_sent_is_not_judged()
    {
        // Event 10 took long: sent at 101, accepted only at 200, after event 15 was sent (151).
        var log = new TriggerLog(20);
        for (var i = 0; i < 20; i++)
        {
            log.Started(i, 10 * i + 1);
            log.Accepted(i, i == 10 ? 200 : 10 * i + 3);
        }

        // Received 6 to 15 but 10: the node may have published 10 after the client had left. 7 to 14 but 10 are owed.
        Assert.Equal((7, 0), SteadyWindow.Check(log, Seen(20, Enumerable.Range(6, 10).Except([10]))));
        Assert.Equal((7, 1), SteadyWindow.Check(log, Seen(20, Enumerable.Range(6, 10).Except([10, 12]))));
    }

    [Fact]
    public void A_client_that_received_nothing_or_one_event_is_owed_nothing()
    {
        var log = Log(64);
        Assert.Equal((0, 0), SteadyWindow.Check(log, Seen(64, [])));
        Assert.Equal((0, 0), SteadyWindow.Check(log, Seen(64, [10])));
    }
}
