using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Tests.Measure;

public class LatencyHistogramTests
{
    [Fact]
    public void Buckets_are_contiguous_and_exact_below_128_microseconds()
    {
        for (var i = 0; i < 128; i++) Assert.Equal((i, 1L), LatencyHistogram.BucketOf(i));
        for (var i = 0; i < 2000; i++)
        {
            var (lowest, width) = LatencyHistogram.BucketOf(i);
            Assert.Equal(lowest + width, LatencyHistogram.BucketOf(i + 1).Lowest);
            Assert.Equal(i, LatencyHistogram.IndexOf(lowest));
            Assert.Equal(i, LatencyHistogram.IndexOf(lowest + width - 1));
        }
    }

    [Fact]
    public void A_bucket_is_at_most_a_64th_of_its_values_wide()
    {
        foreach (var value in new long[] { 128, 1_000, 65_537, 10_000_000, 3_000_000_000 })
        {
            var (lowest, width) = LatencyHistogram.BucketOf(LatencyHistogram.IndexOf(value));
            Assert.InRange(value, lowest, lowest + width - 1);
            Assert.True(width <= lowest / 64.0, $"{value}: width {width} at {lowest}");
        }
    }

    [Fact]
    public void Percentiles_of_a_uniform_spread_are_within_the_bucket_error()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 100_000; us++) histogram.Record(us);

        Assert.Equal(100_000, histogram.Count);
        Assert.InRange(histogram.PercentileMs(50), 50 * 0.984, 50 * 1.016);
        Assert.InRange(histogram.PercentileMs(99), 99 * 0.984, 99 * 1.016);
        Assert.InRange(histogram.PercentileMs(100), 100 * 0.984, 100 * 1.016);
    }

    [Fact]
    public void Negative_values_count_as_zero_and_an_empty_histogram_has_no_percentile()
    {
        var histogram = new LatencyHistogram();
        Assert.True(double.IsNaN(histogram.PercentileMs(50)));

        histogram.Record(-5);
        Assert.Equal(0, histogram.PercentileMs(50));
    }

    [Fact]
    public void Merged_histograms_count_both()
    {
        var fast = new LatencyHistogram();
        var slow = new LatencyHistogram();
        for (var i = 0; i < 90; i++) fast.Record(100);
        for (var i = 0; i < 10; i++) slow.Record(50_000);

        fast.Add(slow);

        Assert.Equal(100, fast.Count);
        Assert.Equal(0.1, fast.PercentileMs(90));
        Assert.InRange(fast.PercentileMs(91), 49.2, 50.8);
    }
}
