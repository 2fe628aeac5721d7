using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Tests.Servers;

public class ServerMetricsTests
{
    [Fact]
    public void Gc_counts_and_connections_are_read_from_prometheus_text()
    {
        const string text = """
            # HELP dotnet_collection_count_total GC collection count
            # TYPE dotnet_collection_count_total counter
            dotnet_collection_count_total{generation="1"} 4
            dotnet_collection_count_total{generation="0"} 17
            dotnet_collection_count_total{generation="2"} 1
            broadcaster_connected{app_id="a"} 1500
            broadcaster_connected{app_id="b"} 500
            broadcaster_connected_total 9
            """;

        var metrics = ServerMetrics.Parse(text, "broadcaster_connected");

        Assert.Equal(new ServerMetrics(17, 4, 1, 2000), metrics);
        Assert.Equal(new ServerMetrics(7, 1, 0, 2000), metrics.Since(new ServerMetrics(10, 3, 1, 0)));
        Assert.Equal(3, ServerMetrics.Parse("baseline_connected 3\n", "baseline_connected").Connected);
    }
}
