using Broadcaster.Actors.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Broadcaster.Actors.Tests.RateLimiting;

/// <summary>The bucket both limits are built on, on fake time: nothing here waits on the real clock.</summary>
public sealed class TokenBucketTests
{
    private readonly FakeTimeProvider _time = new();

    private TokenBucket Bucket(double rate) => new(rate, _time);

    private void Advance(double ms) => _time.Advance(TimeSpan.FromMilliseconds(ms));

    private static int TakeAll(TokenBucket bucket, int attempts) => Enumerable.Range(0, attempts).Count(_ => bucket.TryTake());

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    [InlineData(1000, 1000)]
    [InlineData(2.5, 2)]
    [InlineData(0.5, 1)]
    public void A_full_bucket_allows_a_burst_of_rate_whole_tokens_at_least_one(double rate, int burst)
    {
        var bucket = Bucket(rate);

        Assert.Equal(burst, TakeAll(bucket, 5_000));
        Assert.False(bucket.TryTake());
    }

    [Fact]
    public void Advancing_the_time_refills_one_token_per_period_up_to_one_burst()
    {
        var bucket = Bucket(5);
        TakeAll(bucket, 5);

        Advance(199);
        Assert.False(bucket.TryTake());
        Advance(1);
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        // 2.5 periods: two tokens, and the half period already run counts towards the third.
        Advance(500);
        Assert.Equal(2, TakeAll(bucket, 10));
        Advance(100);
        Assert.True(bucket.TryTake());
        // Far longer than a burst takes to refill: still one burst.
        Advance(3_600_000);
        Assert.Equal(5, TakeAll(bucket, 100));
    }

    [Fact]
    public void Without_time_advancing_nothing_refills()
    {
        var bucket = Bucket(1000);
        TakeAll(bucket, 1000);

        Assert.Equal(0, TakeAll(bucket, 1000));
    }

    [Theory]
    [InlineData(0.5, 2_000)]
    [InlineData(0.25, 4_000)]
    [InlineData(0.1, 10_000)]
    public void A_rate_below_one_per_second_allows_one_take_per_period(double rate, int periodMs)
    {
        var bucket = Bucket(rate);

        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        Advance(periodMs - 1);
        Assert.False(bucket.TryTake());
        Advance(1);
        Assert.True(bucket.TryTake());
        Assert.False(bucket.TryTake());
        // Never more than one at a time, however long it waited.
        Advance(periodMs * 10);
        Assert.Equal(1, TakeAll(bucket, 10));
    }

    [Fact]
    public void A_rate_above_one_that_is_not_whole_refills_at_that_rate()
    {
        var bucket = Bucket(2.5);
        TakeAll(bucket, 2);

        Advance(399);
        Assert.False(bucket.TryTake());
        Advance(1);
        Assert.True(bucket.TryTake());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-0.5)]
    public void A_rate_of_zero_or_less_is_no_limit(double rate)
    {
        Assert.Equal(100_000, TakeAll(Bucket(rate), 100_000));
    }

    [Fact]
    public void Takers_on_many_threads_share_one_burst()
    {
        var bucket = Bucket(100);
        var allowed = 0;

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 1_000; i++)
                if (bucket.TryTake()) Interlocked.Increment(ref allowed);
        });

        Assert.Equal(100, allowed);
    }
}
