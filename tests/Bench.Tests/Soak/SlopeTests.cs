using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench.Tests.Soak;

public class SlopeTests
{
    [Fact]
    public void A_straight_line_gives_its_slope()
    {
        Assert.Equal(3.0, Slope.Of([(0, 10), (1, 13), (2, 16), (3, 19)]), 9);
        Assert.Equal(-0.5, Slope.Of([(2, 5), (4, 4)]), 9);
    }

    [Fact]
    public void Noise_around_a_flat_line_gives_a_slope_near_zero_and_a_leak_under_the_same_noise_its_rate()
    {
        var noise = new[] { 3.0, -2, 4, -4, 1, -1, 2, -3 };
        var flat = noise.Select((n, i) => (i * 0.5, 100 + n)).ToList();
        var leaking = noise.Select((n, i) => (i * 0.5, 100 + 8 * i * 0.5 + n)).ToList();

        Assert.InRange(Slope.Of(flat), -2, 2);
        Assert.InRange(Slope.Of(leaking), 6, 10);
    }

    [Fact]
    public void One_sample_far_off_at_the_end_does_not_make_a_flat_series_look_like_a_leak()
    {
        // Seven flat samples, then the last one 2.6 higher (a burst in flight when the heap was collected).
        List<(double, double)> points = [(0.50, 6.4), (0.57, 6.4), (0.64, 6.5), (0.71, 6.4), (0.78, 6.5), (0.85, 6.4), (0.92, 9.0)];

        Assert.InRange(Slope.Of(points), -0.5, 0.5);
    }

    [Fact]
    public void Fewer_than_two_distinct_x_give_no_slope()
    {
        Assert.True(double.IsNaN(Slope.Of([])));
        Assert.True(double.IsNaN(Slope.Of([(1, 5)])));
        Assert.True(double.IsNaN(Slope.Of([(1, 5), (1, 7)])));
    }
}
