using Akka.Actor;
using Broadcaster.Actors.Wire;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>The per-app connection quota holds for the whole cluster: nodes report their counts to each other every second.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterConnectionCountTests : ClusterTestBase
{
    /// <summary>Counts travel once a second; this leaves room for one missed tick.</summary>
    private static readonly TimeSpan CountsTimeout = TimeSpan.FromSeconds(3);

    [Fact]
    public void Connections_on_one_node_count_against_the_quota_on_another_and_are_forgotten_when_it_leaves()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        for (var i = 0; i < 3; i++) Assert.True(a.Counter.TryAcquire(AppId, -1));

        AwaitAssert(() => Assert.All(new[] { b, c }, n => Assert.Equal(3, n.Counter.ClusterCount(AppId))), CountsTimeout);

        Assert.True(b.Counter.TryAcquire(AppId, 5));
        Assert.True(b.Counter.TryAcquire(AppId, 5));
        Assert.False(b.Counter.TryAcquire(AppId, 5), "B let a 6th connection in with 3 on A and 2 on B");
        Assert.Equal(2, b.Counter.Count(AppId));
        AwaitAssert(() => Assert.All(nodes, n => Assert.Equal(5, n.Counter.ClusterCount(AppId))), CountsTimeout);

        a.Counter.Release(AppId);
        AwaitAssert(() => Assert.Equal(4, b.Counter.ClusterCount(AppId)), CountsTimeout);
        Assert.True(b.Counter.TryAcquire(AppId, 5));
        Assert.False(b.Counter.TryAcquire(AppId, 5));
        b.Counter.Release(AppId);

        a.Cluster.Leave(a.Address);
        AwaitReady([b, c]);
        AwaitAssert(() => Assert.All(new[] { b, c }, n => Assert.Equal(2, n.Counter.ClusterCount(AppId))), ClusterTimeout);
        Assert.True(b.Counter.TryAcquire(AppId, 5));
    }

    /// <summary>
    /// A removed node's last report must not resurrect its counts: applied, nothing would ever remove that origin
    /// again, and the app's cluster-wide quota would stay reduced by a node that is gone.
    /// </summary>
    [Fact]
    public void Counts_a_removed_node_sent_before_it_stopped_do_not_come_back()
    {
        var nodes = StartCluster(3);
        var (a, b) = (nodes[0], nodes[1]);
        for (var i = 0; i < 3; i++) Assert.True(a.Counter.TryAcquire(AppId, -1));
        AwaitAssert(() => Assert.Equal(3, b.Counter.ClusterCount(AppId)), CountsTimeout);
        var origin = a.NodeId;

        a.Cluster.Leave(a.Address);
        AwaitAssert(() => Assert.Equal(0, b.Counter.ClusterCount(AppId)), ClusterTimeout);
        AwaitCondition(() => a.System.WhenTerminated.IsCompleted, ClusterTimeout);
        // A leaving node keeps its one-second timer until its ActorSystem stops, which is after the others have
        // removed it: a report it published in that window lands after MemberRemoved. Told directly here, so the
        // window is hit every time instead of now and then.
        var gossip = b.System.ActorSelection("/user/node/connection-counts");
        gossip.Tell(new PeerConnectionCounts(origin, new Dictionary<string, int> { [AppId] = 3 }));
        // Reports are handled in order: once this later one from another origin counts, the stale one was handled.
        gossip.Tell(new PeerConnectionCounts("barrier", new Dictionary<string, int> { [AppId] = 7 }));
        AwaitAssert(() => Assert.Equal(7, b.Counter.ClusterCount(AppId)), ClusterTimeout);
    }
}
