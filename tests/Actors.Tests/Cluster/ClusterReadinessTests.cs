using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Protocol.Channels;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>A node is ready only when it is Up and has exchanged hello/welcome and a presence snapshot with every peer.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterReadinessTests : ClusterTestBase
{
    [Fact]
    public void A_lone_node_is_not_ready_before_it_is_up_and_ready_after()
    {
        var node = StartNode("A");

        var before = node.Status();
        Assert.False(before.Ready);
        Assert.Equal(["self (not Up yet)"], before.Waiting);

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
            var peers = node.Ask<PeerBuses>(GetPeerBuses.Instance).Buses;
            var expected = nodes.Where(n => n != node).Select(n => n.Address).OrderBy(a => a.ToString()).ToList();
            Assert.Equal(expected, peers.Select(p => p.Path.Address).OrderBy(a => a.ToString()).ToList());
            // Peers find each other's bus by its path: the node's bus is /user/bus everywhere.
            Assert.All(peers, p => Assert.Equal("/user/bus", p.Path.ToStringWithoutAddress()));
        }
    }

    [Fact]
    public void A_joining_node_waits_for_every_peer_and_becomes_ready_once_all_have_answered()
    {
        var nodes = StartCluster(3);
        var (c, channel) = (nodes[2], "gate");
        using var gate = new GateSocket(SocketId.New());
        c.Registry.Tell(new ChannelEnvelope(AppId, channel, new Subscribe(gate, ActorRefs.Nobody, null)));
        AwaitCondition(() => gate.Sent == 1, TimeSpan.FromSeconds(3));
        // C's registry now hangs in the fan-out, so C cannot answer the newcomer's snapshot request.
        gate.Arm();
        c.Registry.Tell(new ChannelEvent(AppId, channel, EventBytes("hold", channel), null));
        Assert.True(gate.AwaitBlocked(TimeSpan.FromSeconds(3)));

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
            gate.Release();
        }

        AwaitReady([.. nodes, d]);
    }
}
