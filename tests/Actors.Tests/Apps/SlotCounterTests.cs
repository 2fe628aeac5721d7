using Broadcaster.Actors.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Apps;

public sealed class SlotCounterTests
{
    [Fact]
    public void Threads_racing_for_the_last_slots_never_take_more_than_the_ceiling()
    {
        var slots = new SlotCounter();
        var taken = 0;
        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            if (slots.TryTake(1_000)) Interlocked.Increment(ref taken);
        });

        Assert.Equal(1_000, taken);
        Assert.Equal(1_000, slots.Taken);
        Assert.False(slots.TryTake(1_000));
    }

    [Fact]
    public void A_released_slot_can_be_taken_again_and_releasing_never_goes_below_zero()
    {
        var slots = new SlotCounter();
        Assert.True(slots.TryTake(1));
        Assert.False(slots.TryTake(1));

        slots.Release();
        slots.Release();

        Assert.Equal(0, slots.Taken);
        Assert.True(slots.TryTake(1));
        Assert.False(slots.TryTake(0));
    }
}
