using Akka.TestKit;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// Statistics across a cluster: every node's sample reaches the one writer (the oldest node), which writes each
/// interval once; when the writer is cut off, the next oldest writes what it kept and what comes after.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterStatisticsTests : ClusterTestBase
{
    private const long Interval = 60_000;

    private readonly TestProbe _written;

    public ClusterStatisticsTests() => _written = CreateTestProbe();

    private IReadOnlyList<ClusterNode> StartWithStatistics(int count) =>
        StartCluster(count, configure: (name, s) => s with { Statistics = new RecordingStatisticsStore(name, _written.Ref) });

    private static StatisticsSample Sample(ClusterNode node, long interval, long api) =>
        new(node.Name, interval * Interval, Interval, [new StatisticsRow("app", 1, 2, 3, api)]);

    [Fact]
    public void Each_nodes_sample_is_written_once_by_the_oldest_node()
    {
        var nodes = StartWithStatistics(3);
        foreach (var node in nodes) node.Refs.Publish(Sample(node, 1, api: 10));

        var written = Enumerable.Range(0, 3).Select(_ => _written.ExpectMsg<WrittenSample>(ClusterTimeout)).ToList();
        Assert.All(written, w => Assert.Equal("A", w.Writer));
        Assert.Equal(["A", "B", "C"], written.Select(w => w.Sample.Node).Order());
        _written.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void When_the_writer_is_cut_off_the_next_oldest_writes_what_it_kept_and_what_follows()
    {
        var nodes = StartWithStatistics(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        b.Refs.Publish(Sample(b, 1, api: 5));
        Assert.Equal(("A", "B"), Written());

        // A no longer reaches the others: B and C (the majority) no longer count it, and the older of them writes.
        a.Blackhole(b.Address);
        a.Blackhole(c.Address);
        var oldest = new[] { b, c }.OrderBy(n => n.Cluster.SelfMember, Akka.Cluster.Member.AgeOrdering).First().Name;
        // What it kept of the last intervals is written again (the store keeps a row once); then what comes after.
        Assert.Equal((oldest, "B"), Written());
        c.Refs.Publish(Sample(c, 2, api: 7));
        var next = _written.ExpectMsg<WrittenSample>(ClusterTimeout);
        Assert.Equal((oldest, "C", 2 * Interval), (next.Writer, next.Sample.Node, next.Sample.IntervalStartMs));
        Assert.Equal(7, next.Sample.Rows.Single().ApiMessages);
    }

    private (string Writer, string Node) Written()
    {
        var w = _written.ExpectMsg<WrittenSample>(ClusterTimeout);
        return (w.Writer, w.Sample.Node);
    }
}
