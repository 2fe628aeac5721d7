using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// PROTOCOL.md 3: a connection receives the events a node accepted in the order it accepted them, across all of its
/// channels, batch items in array order; on the node that accepted them and on every other node.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOrderTests : ClusterTestBase
{
    private static readonly string[] Channels = ["orders", "private-orders", "presence-orders"];

    [Fact]
    public void Batches_and_single_triggers_alternating_over_three_channels_reach_one_connection_in_order()
    {
        var nodes = StartCluster(2);
        var (ingress, other) = (nodes[0], nodes[1]);
        var clients = new[] { Connect(ingress), Connect(other) };
        foreach (var client in clients)
        {
            SubscribeOk(client, Channels[0]);
            SubscribeOk(client, Channels[1]);
            SubscribeOk(client, Channels[2], PresenceData($"user-{client.SocketId}"));
        }
        // Member events of the other client's join are not part of what is checked below.
        clients[0].Probe.ExpectFrame("pusher_internal:member_added", ClusterTimeout);

        var published = new List<(string Channel, int N)>();
        var n = 0;
        for (var round = 0; round < 60; round++)
        {
            if (round % 2 == 0)
            {
                // A batch: the HTTP API publishes its items one after another, in array order.
                foreach (var channel in round % 4 == 0 ? Channels : Channels.Reverse()) published.Add((channel, n++));
            }
            else
            {
                published.Add((Channels[round % 3], n++));
            }
        }
        foreach (var (channel, number) in published) Publish(ingress, channel, EventBytes("ordered", channel, number.ToString()));

        foreach (var client in clients)
        {
            var received = published.Select(_ => client.Probe.ExpectFrame("ordered", ClusterTimeout))
                .Select(f => (f.Channel!, int.Parse(f.Data!.Value.GetString()!))).ToList();
            Assert.Equal(published, received);
        }
    }
}
