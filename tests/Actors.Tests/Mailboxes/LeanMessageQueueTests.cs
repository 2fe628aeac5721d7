using Akka.Actor;
using Broadcaster.Actors.Mailboxes;
using Xunit;

namespace Broadcaster.Actors.Tests.Mailboxes;

public sealed class LeanMessageQueueTests
{
    private static Envelope E(int n) => new(n, ActorRefs.NoSender);

    private static List<object> Drain(LeanMessageQueue queue)
    {
        var messages = new List<object>();
        while (queue.TryDequeue(out var e)) messages.Add(e.Message);
        return messages;
    }

    [Fact]
    public void Messages_come_out_in_the_order_they_went_in_and_the_count_follows()
    {
        var queue = new LeanMessageQueue();
        Assert.False(queue.HasMessages);

        for (var i = 0; i < 100; i++) queue.Enqueue(ActorRefs.Nobody, E(i));

        Assert.Equal((true, 100), (queue.HasMessages, queue.Count));
        Assert.Equal(Enumerable.Range(0, 100).Cast<object>(), Drain(queue));
        Assert.Equal((false, 0), (queue.HasMessages, queue.Count));
    }

    [Fact]
    public void What_a_stash_puts_back_in_front_comes_first_in_its_original_order()
    {
        var queue = new LeanMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, E(10));
        queue.Enqueue(ActorRefs.Nobody, E(11));

        // A stash holding 1, 2, 3 puts them back last first.
        foreach (var n in new[] { 3, 2, 1 }) queue.EnqueueFirst(E(n));

        Assert.Equal(5, queue.Count);
        Assert.Equal([1, 2, 3, 10, 11], Drain(queue).Cast<int>());
    }

    [Fact]
    public void Clean_up_hands_what_is_left_to_dead_letters()
    {
        var queue = new LeanMessageQueue();
        var deadLetters = new LeanMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, E(1));
        queue.EnqueueFirst(E(0));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.HasMessages);
        Assert.Equal([0, 1], Drain(deadLetters).Cast<int>());
    }
}
