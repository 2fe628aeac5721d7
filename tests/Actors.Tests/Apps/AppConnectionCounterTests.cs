using Broadcaster.Actors.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Apps;

public sealed class AppConnectionCounterTests
{
    [Fact]
    public void Acquires_up_to_max_then_refuses_and_release_frees_a_slot()
    {
        var counter = new AppConnectionCounter();

        Assert.True(counter.TryAcquire("a", 2));
        Assert.True(counter.TryAcquire("a", 2));
        Assert.False(counter.TryAcquire("a", 2));
        Assert.Equal(2, counter.Count("a"));

        counter.Release("a");
        Assert.Equal(1, counter.Count("a"));
        Assert.True(counter.TryAcquire("a", 2));
        Assert.False(counter.TryAcquire("a", 2));
    }

    [Fact]
    public void Apps_are_counted_separately_and_total_sums_them()
    {
        var counter = new AppConnectionCounter();
        counter.TryAcquire("a", 1);
        counter.TryAcquire("b", -1);
        counter.TryAcquire("b", -1);

        Assert.False(counter.TryAcquire("a", 1));
        Assert.Equal(1, counter.Count("a"));
        Assert.Equal(2, counter.Count("b"));
        Assert.Equal(0, counter.Count("c"));
        Assert.Equal(3, counter.Total);
    }

    [Fact]
    public void Zero_max_refuses_and_negative_max_is_unlimited()
    {
        var counter = new AppConnectionCounter();

        Assert.False(counter.TryAcquire("a", 0));
        for (var i = 0; i < 1000; i++) Assert.True(counter.TryAcquire("b", -1));
        Assert.Equal(1000, counter.Count("b"));
    }

    [Fact]
    public void Release_never_goes_below_zero()
    {
        var counter = new AppConnectionCounter();
        counter.Release("a");
        counter.TryAcquire("a", 5);
        counter.Release("a");
        counter.Release("a");

        Assert.Equal(0, counter.Count("a"));
        Assert.True(counter.TryAcquire("a", 1));
        Assert.Equal(1, counter.Count("a"));
    }

    [Fact]
    public void Concurrent_acquires_never_exceed_max()
    {
        var counter = new AppConnectionCounter();
        var granted = 0;

        Parallel.For(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            if (counter.TryAcquire("a", 1_234)) Interlocked.Increment(ref granted);
        });

        Assert.Equal(1_234, granted);
        Assert.Equal(1_234, counter.Count("a"));
    }

    [Fact]
    public void Concurrent_acquire_and_release_pairs_balance_exactly()
    {
        var counter = new AppConnectionCounter();
        var granted = 0;

        // At most 16 slots are held at once, far below the max: every acquire must succeed and every release count.
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var app = i % 2 == 0 ? "a" : "b";
            if (!counter.TryAcquire(app, 100)) return;
            Interlocked.Increment(ref granted);
            counter.Release(app);
        });
        Assert.Equal(20_000, granted);
        Assert.Equal(0, counter.Total);

        // Unlimited apps: what is kept is exactly what was acquired minus what was released.
        Parallel.For(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            Assert.True(counter.TryAcquire("c", -1));
            if (i % 3 != 0) counter.Release("c");
        });
        Assert.Equal(Enumerable.Range(0, 20_000).Count(i => i % 3 == 0), counter.Count("c"));
    }

    [Fact]
    public void Counts_reported_by_other_nodes_take_slots_of_the_quota()
    {
        var counter = new AppConnectionCounter();
        counter.SetRemote("peer-1", new Dictionary<string, int> { ["a"] = 2 });
        counter.SetRemote("peer-2", new Dictionary<string, int> { ["a"] = 1, ["b"] = 7 });

        Assert.True(counter.TryAcquire("a", 4));
        Assert.False(counter.TryAcquire("a", 4));
        Assert.Equal(1, counter.Count("a"));
        Assert.Equal(4, counter.ClusterCount("a"));
        Assert.True(counter.TryAcquire("b", -1));

        counter.RemoveRemote("peer-1");
        Assert.True(counter.TryAcquire("a", 4));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 1 }, counter.LocalCounts());
    }
}
