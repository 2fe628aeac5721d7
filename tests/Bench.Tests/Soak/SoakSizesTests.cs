using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench.Tests.Soak;

public class SoakSizesTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(5, 10)]
    [InlineData(10, 20)]
    [InlineData(60, 120)]
    public void A_run_is_sampled_about_thirty_times_and_never_more_often_than_every_five_seconds(int minutes, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), SoakSizes.SampleInterval(TimeSpan.FromMinutes(minutes)));
    }

    [Fact]
    public void Runs_of_five_minutes_and_more_are_held_to_the_tighter_bounds()
    {
        Assert.Same(SoakLimits.Short, SoakLimits.For(TimeSpan.FromMinutes(1)));
        Assert.Same(SoakLimits.Long, SoakLimits.For(TimeSpan.FromMinutes(5)));
        Assert.True(SoakLimits.Long.LiveHeapBytesPerConnection < SoakLimits.Short.LiveHeapBytesPerConnection);
    }
}
