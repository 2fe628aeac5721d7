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
            // Member events of the two clients' joins may come at any point (the other node's member arrives by delta):
            // they are not what is checked here.
            var received = new List<(string, int)>();
            while (received.Count < published.Count)
            {
                var frame = client.Probe.ExpectSent(ClusterTimeout).Parse();
                if (frame.Event.StartsWith("pusher_internal:member_", StringComparison.Ordinal)) continue;
                Assert.Equal("ordered", frame.Event);
                received.Add((frame.Channel!, int.Parse(frame.Data!.Value.GetString()!)));
            }
            Assert.Equal(published, received);
        }
    }

    [Fact]
    public void Events_accepted_at_once_on_several_threads_reach_every_node_in_one_order()
    {
        var nodes = StartCluster(2);
        var (ingress, other) = (nodes[0], nodes[1]);
        var clients = new[] { Connect(ingress), Connect(other) };
        foreach (var client in clients) SubscribeOk(client, "racing");

        // Four HTTP requests at once, as four threads: which wins is free, but every connection must see one order.
        const int threads = 4, perThread = 150;
        using var start = new Barrier(threads);
        var publishers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < perThread; i++) Publish(ingress, "racing", EventBytes("raced", "racing", $"{t}:{i}"));
        })).ToArray();
        foreach (var thread in publishers) thread.Start();
        foreach (var thread in publishers) Assert.True(thread.Join(ClusterTimeout));

        var orders = clients.Select(client => Enumerable.Range(0, threads * perThread)
            .Select(_ => client.Probe.ExpectSent(ClusterTimeout).Parse().Data!.Value.GetString()!).ToList()).ToList();
        Assert.Equal(threads * perThread, orders[0].Distinct().Count());
        Assert.Equal(orders[0], orders[1]);
    }
}
