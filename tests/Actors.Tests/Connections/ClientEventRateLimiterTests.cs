using Broadcaster.Actors.Connections;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ClientEventRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    private ClientEventRateLimiter Limiter(double rate) => new(rate, _time);

    private void Advance(int ms) => _time.Advance(TimeSpan.FromMilliseconds(ms));

    private static int TakeAll(ClientEventRateLimiter limiter, int attempts = 100) =>
        Enumerable.Range(0, attempts).Count(_ => limiter.TryTake());

    [Fact]
    public void A_burst_of_rate_events_is_allowed_then_refused()
    {
        var limiter = Limiter(10);

        Assert.Equal(10, TakeAll(limiter));
        Assert.False(limiter.TryTake());
    }

    [Fact]
    public void Tokens_refill_continuously()
    {
        var limiter = Limiter(10);
        TakeAll(limiter);

        Advance(99);
        Assert.False(limiter.TryTake());
        Advance(1);
        Assert.True(limiter.TryTake());
        Assert.False(limiter.TryTake());
        Advance(350);
        Assert.Equal(3, TakeAll(limiter));
    }

    [Fact]
    public void Refill_never_exceeds_one_burst()
    {
        var limiter = Limiter(10);
        TakeAll(limiter);

        Advance(60_000);

        Assert.Equal(10, TakeAll(limiter));
    }

    [Fact]
    public void Sustained_rate_is_respected()
    {
        var limiter = Limiter(10);
        TakeAll(limiter);
        var allowed = 0;

        for (var ms = 0; ms < 5_000; ms += 10)
        {
            Advance(10);
            if (limiter.TryTake()) allowed++;
        }

        Assert.InRange(allowed, 49, 50);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Zero_or_negative_rate_means_unlimited(double rate)
    {
        Assert.Equal(1000, TakeAll(Limiter(rate), 1000));
    }

    /// <summary>
    /// BUG (ClientEventRateLimiter): the bucket holds at most <c>rate</c> tokens, so a rate below 1 per second
    /// (e.g. 0.5 = one event every two seconds) can never reach a whole token and refuses every event forever.
    /// </summary>
    [Fact]
    public void Fractional_rate_below_one_still_allows_an_event_per_period()
    {
        var limiter = Limiter(0.5);

        Assert.True(limiter.TryTake());
        Assert.False(limiter.TryTake());
        Advance(2_000);
        Assert.True(limiter.TryTake());
    }

    [Fact]
    public void The_bucket_made_on_the_first_event_is_full_however_long_the_connection_was_idle()
    {
        var limiter = Limiter(10);
        Advance(3_600_000);

        Assert.Equal(10, TakeAll(limiter));
        Advance(100);
        Assert.Equal(1, TakeAll(limiter));
    }
}
