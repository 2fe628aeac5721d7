using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench.Tests.Soak;

public class SlopeTests
{
    [Fact]
    public void A_straight_line_gives_its_slope_per_minute()
    {
        Assert.Equal(3.0, Slope.PerMinute([(0, 10), (1, 13), (2, 16), (3, 19)]), 9);
        Assert.Equal(-0.5, Slope.PerMinute([(2, 5), (4, 4)]), 9);
    }

    [Fact]
    public void Noise_around_a_flat_line_gives_a_slope_near_zero_and_a_leak_under_the_same_noise_its_rate()
    {
        var noise = new[] { 3.0, -2, 4, -4, 1, -1, 2, -3 };
        var flat = noise.Select((n, i) => (i * 0.5, 100 + n)).ToList();
        var leaking = noise.Select((n, i) => (i * 0.5, 100 + 8 * i * 0.5 + n)).ToList();

        Assert.InRange(Slope.PerMinute(flat), -1, 1);
        Assert.InRange(Slope.PerMinute(leaking), 7, 9);
    }

    [Fact]
    public void Fewer_than_two_distinct_times_give_no_slope()
    {
        Assert.True(double.IsNaN(Slope.PerMinute([])));
        Assert.True(double.IsNaN(Slope.PerMinute([(1, 5)])));
        Assert.True(double.IsNaN(Slope.PerMinute([(1, 5), (1, 7)])));
    }
}
