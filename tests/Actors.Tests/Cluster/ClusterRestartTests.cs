using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Wire;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// The rolling restart never takes the last node down: a node whose slot comes after every other node has left, and
/// before any is back, waits until one is.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRestartTests : ClusterTestBase
{
    [Fact]
    public void A_node_whose_slot_comes_after_the_others_left_waits_until_one_is_back()
    {
        var nodes = StartCluster(2);
        var (a, b) = (nodes[0], nodes[1]);
        var restarted = CreateTestProbe();
        var scheduler = b.System.ActorOf(RestartScheduler.Props(by => restarted.Ref.Tell(by)), "restart-under-test");

        // B's slot is 1.5 s away; A, restarted before it, leaves the cluster in the meantime.
        scheduler.Tell(new RestartNode("test", 1500));
        a.Cluster.Leave(a.Address);
        AwaitAssert(() => Assert.Equal([b.Address], b.Cluster.State.Members.Select(m => m.Address)), ClusterTimeout);

        // B is now the only member: its slot passes and it stays up.
        restarted.ExpectNoMsg(TimeSpan.FromSeconds(3));

        // A node comes back: B restarts once it is Up.
        var c = StartNode("C");
        c.Cluster.Join(b.Address);
        Assert.Equal("test", restarted.ExpectMsg<string>(ClusterTimeout));
        Assert.Contains(b.Cluster.State.Members, m => m.Address.Equals(c.Address) && m.Status == MemberStatus.Up);
    }

    [Fact]
    public void A_node_alone_from_the_start_restarts_at_its_slot()
    {
        var b = StartCluster(1)[0];
        var restarted = CreateTestProbe();
        var scheduler = b.System.ActorOf(RestartScheduler.Props(by => restarted.Ref.Tell(by)), "restart-alone");
        scheduler.Tell(new RestartNode("single", 0));
        Assert.Equal("single", restarted.ExpectMsg<string>(TimeSpan.FromSeconds(5)));
    }
}
