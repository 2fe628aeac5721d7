using Akka.Actor;
using Broadcaster.Actors.Cluster;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// A node is ready only when it is Up, subscribed to the cluster topic, and every peer has welcomed it over the topic
/// and sent its presence snapshot.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterReadinessTests : ClusterTestBase
{
    [Fact]
    public void A_lone_node_is_not_ready_before_it_is_up_and_ready_after()
    {
        var node = StartNode("A");

        var before = node.Status();
        Assert.False(before.Ready);
        Assert.Equal("self (not Up yet)", before.Waiting[0]);

        node.Cluster.Join(node.Address);
        AwaitReady([node]);
        var status = node.Status();
        Assert.Equal((true, 0, 0, node.NodeId), (status.Ready, status.Peers, status.Waiting.Count, status.NodeId));
    }

    [Fact]
    public void Three_nodes_all_become_ready_with_each_other_as_peers()
    {
        var nodes = StartCluster(3);

        foreach (var node in nodes)
        {
            var status = node.Status();
            Assert.Equal((true, 2), (status.Ready, status.Peers));
            // Every node's actors live at the same path, which is how nodes address each other's presence and status.
            Assert.Equal("/user/node/presence", node.Presence.Path.ToStringWithoutAddress());
        }
    }

    [Fact]
    public void A_joining_node_waits_for_every_peer_and_becomes_ready_once_all_have_answered()
    {
        var nodes = StartCluster(3);
        var c = nodes[2];
        // C's presence actor stops handling messages, so it cannot answer the newcomer's snapshot request.
        var presence = (IInternalActorRef)c.Presence;
        presence.Suspend();

        var d = StartNode("D");
        d.Cluster.Join(nodes[0].Address);
        try
        {
            AwaitAssert(() =>
            {
                var status = d.Status();
                Assert.False(status.Ready);
                Assert.Equal([c.Address.ToString()], status.Waiting);
            }, ClusterTimeout, TimeSpan.FromMilliseconds(50));
        }
        finally
        {
            presence.Resume(null);
        }

        AwaitReady([.. nodes, d]);
    }
}
