using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Tests;

public class SmokeCheckTests
{
    [Fact]
    public void A_lost_duplicated_or_closed_delivery_in_any_run_fails_the_smoke_run_and_speed_does_not()
    {
        var results = new ResultSet();
        results.Declare("fanout", ["broadcaster", "baseline"], "baseline");
        results.Add("fanout", [
            new("broadcaster", "2k", "lost", "deliveries", 0),
            new("broadcaster", "2k", "duplicated", "deliveries", 0),
            new("baseline", "2k", "closed by the server", "connections", 0),
            new("broadcaster", "2k", "delivered", "deliveries/s", 1),
        ]);
        Assert.Empty(SmokeCheck.Failures(results));

        results.Add("fanout", [new("broadcaster", "10k", "duplicated", "deliveries", 3)]);
        var failure = Assert.Single(SmokeCheck.Failures(results));
        Assert.Contains("fanout broadcaster 10k: duplicated", failure);
    }
}
