using Akka.Actor;
using Broadcaster.Actors.Wire;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// A node whose rolling-restart slot comes goes only once another node is ready. Up is not enough: a restarted node is
/// Up as soon as it has joined, before it has linked with the others and serves clients, and letting the last old node
/// go then left every client without a node for seconds (the fault suite's rolling restart under load).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRestartTests : ClusterTestBase
{
    [Fact]
    public void A_node_whose_slot_comes_waits_while_the_only_other_node_is_up_but_not_ready()
    {
        var restarts = CreateTestProbe();
        var a = StartNode("A", configure: (name, s) => s with { Restart = who => restarts.Ref.Tell($"{name} by {who}") });
        a.Cluster.Join(a.Address);
        AwaitReady([a]);
        // A's presence actor stops handling messages: D, joining, never gets A's snapshot, so D is Up but not ready.
        var presence = (IInternalActorRef)a.Presence;
        presence.Suspend();
        var d = StartNode("D");
        d.Cluster.Join(a.Address);
        try
        {
            AwaitAssert(() =>
            {
                Assert.Equal(2, a.Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up));
                Assert.False(d.Status().Ready);
            }, ClusterTimeout, TimeSpan.FromMilliseconds(50));

            a.Refs.Restarts.Tell(new RestartNode("admin", 0));
            restarts.ExpectNoMsg(TimeSpan.FromSeconds(2));
        }
        finally
        {
            presence.Resume(null);
        }

        // D links with A and is ready: A's next round of asking finds it and A goes, once.
        AwaitReady([a, d]);
        restarts.ExpectMsg("A by admin", TimeSpan.FromSeconds(5));
        restarts.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_node_that_does_not_serve_does_not_count_as_ready()
    {
        var restarts = CreateTestProbe();
        var serving = false;
        var nodes = StartCluster(2, configure: (name, s) => s with
        {
            Restart = who => restarts.Ref.Tell(name),
            Serving = () => name != "B" || Volatile.Read(ref serving),
        });
        // B does not serve (it does not listen yet, or it is closing its sockets): A, whose slot comes now, waits for it.
        Assert.False(nodes[0].Ask<NodeStatusReport>(nodes[1].Refs.Status, GetNodeStatus.Instance).Ready);
        nodes[0].Refs.Restarts.Tell(new RestartNode("admin", 0));
        restarts.ExpectNoMsg(TimeSpan.FromSeconds(2));

        Volatile.Write(ref serving, true);
        restarts.ExpectMsg("A", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_node_left_alone_by_the_others_restarting_waits_for_one_of_them_to_be_back()
    {
        var restarts = CreateTestProbe();
        var nodes = StartCluster(2, configure: (name, s) => s with { Restart = who => restarts.Ref.Tell(name) });
        var (a, b) = (nodes[0], nodes[1]);
        a.Refs.Restarts.Tell(new RestartNode("admin", 1000));
        // B goes first and is removed: at A's slot A is the only member, which it was not when the slot was given.
        b.Cluster.Leave(b.Address);
        AwaitAssert(() => Assert.Single(a.Cluster.State.Members), ClusterTimeout, TimeSpan.FromMilliseconds(50));
        restarts.ExpectNoMsg(TimeSpan.FromSeconds(2));

        // B's next incarnation joins and is ready: A goes.
        var next = StartNode("B2");
        next.Cluster.Join(a.Address);
        AwaitReady([a, next]);
        restarts.ExpectMsg("A", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_node_goes_at_its_slot_when_another_node_is_ready_and_at_once_when_it_is_alone()
    {
        var restarts = CreateTestProbe();
        var nodes = StartCluster(2, configure: (name, s) => s with { Restart = who => restarts.Ref.Tell(name) });
        nodes[0].Refs.Restarts.Tell(new RestartNode("admin", 0));
        restarts.ExpectMsg("A", TimeSpan.FromSeconds(5));

        var lone = CreateTestProbe();
        var e = StartNode("E", configure: (name, s) => s with { Restart = who => lone.Ref.Tell(name) });
        e.Cluster.Join(e.Address);
        AwaitReady([e]);
        e.Refs.Restarts.Tell(new RestartNode("admin", 0));
        lone.ExpectMsg("E", TimeSpan.FromSeconds(5));
    }
}
