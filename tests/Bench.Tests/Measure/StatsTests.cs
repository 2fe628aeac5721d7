using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Tests.Measure;

public class StatsTests
{
    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(2, Stats.Median([3, 1, 2]));
        Assert.Equal(2.5, Stats.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void Runs_without_a_figure_are_left_out()
    {
        Assert.Equal(5, Stats.Median([double.NaN, 5]));
        Assert.True(double.IsNaN(Stats.Median([double.NaN])));
        Assert.True(double.IsNaN(Stats.Median([])));
    }

    [Fact]
    public void A_figure_is_compared_with_the_reference_servers_median_of_the_same_case_and_measure()
    {
        var results = new ResultSet();
        results.Declare("s", ["ours", "ref"], "ref");
        results.Add("s", [new("ours", "c", "m", "u", 30), new("ref", "c", "m", "u", 10), new("ours", "c", "other", "u", 1)]);
        results.Add("s", [new("ours", "c", "m", "u", 50), new("ref", "c", "m", "u", 20)]);
        results.Add("s", [new("ours", "c", "m", "u", 40), new("ref", "c", "m", "u", 30)]);

        var ours = results.Summaries().Single(s => s is { Server: "ours", Measure: "m" });
        Assert.Equal((40.0, 30.0, 50.0), (ours.Median, ours.Min, ours.Max));
        Assert.Equal(2.0, ours.Ratio);
        Assert.Equal("ref", ours.Vs);
        Assert.Null(results.Summaries().Single(s => s is { Server: "ref" }).Ratio);
        Assert.Null(results.Summaries().Single(s => s is { Measure: "other" }).Ratio);
    }
}
