using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>Events published on one node's bus reach the subscribers of every node, once, with the same bytes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterEventTests : ClusterTestBase
{
    private const string Channel = "news";

    [Fact]
    public void An_event_published_on_one_node_reaches_every_nodes_subscribers_once_with_identical_bytes()
    {
        var nodes = StartCluster(3);
        var clients = nodes.Select(n => Connect(n)).ToList();
        foreach (var client in clients) SubscribeOk(client, Channel);
        var bytes = EventBytes("created", Channel, """{"id":42,"text":"grüße"}""");

        Publish(nodes[0], Channel, bytes);
        Publish(nodes[0], Channel, EventBytes("marker", Channel));

        foreach (var client in clients)
        {
            var sent = client.Probe.ExpectSent(ClusterTimeout);
            Assert.True(sent.Bytes.Span.SequenceEqual(bytes), $"{client.SocketId} got {sent.Text}");
            // The next frame is the marker: the event came exactly once.
            client.Probe.ExpectFrame("marker");
        }
    }

    [Fact]
    public void The_excluded_socket_is_skipped_even_on_another_node()
    {
        var nodes = StartCluster(3);
        var onA = Connect(nodes[0]);
        var excluded = Connect(nodes[1]);
        var neighbour = Connect(nodes[1]);
        var onC = Connect(nodes[2]);
        foreach (var client in new[] { onA, excluded, neighbour, onC }) SubscribeOk(client, Channel);

        Publish(nodes[0], Channel, EventBytes("not-for-you", Channel), excluded.SocketId);
        Publish(nodes[0], Channel, EventBytes("marker", Channel));

        excluded.Probe.ExpectFrame("marker", ClusterTimeout);
        foreach (var client in new[] { onA, neighbour, onC })
        {
            client.Probe.ExpectFrame("not-for-you", ClusterTimeout);
            client.Probe.ExpectFrame("marker");
        }
    }

    [Fact]
    public void Events_from_one_node_arrive_in_order_on_another()
    {
        var nodes = StartCluster(3);
        var onB = Connect(nodes[1]);
        SubscribeOk(onB, Channel);

        for (var i = 0; i < 100; i++) Publish(nodes[0], Channel, EventBytes("seq", Channel, $$"""{"n":{{i}}}"""));

        for (var i = 0; i < 100; i++)
        {
            var frame = onB.Probe.ExpectFrame("seq", ClusterTimeout);
            Assert.Equal(i, frame.DataJson.GetProperty("n").GetInt32());
        }
    }

    [Fact]
    public void An_event_published_right_after_a_remote_subscription_succeeded_is_never_lost()
    {
        var nodes = StartCluster(3);
        for (var round = 0; round < 20; round++)
        {
            var channel = $"race-{round}";
            var onB = Connect(nodes[1]);

            SubscribeOk(onB, channel);
            Publish(nodes[0], channel, EventBytes("first", channel, $$"""{"round":{{round}}}"""));

            var frame = onB.Probe.ExpectFrame("first", ClusterTimeout);
            Assert.Equal(round, frame.DataJson.GetProperty("round").GetInt32());
            Close(onB);
            onB.Probe.ExpectClose(4200);
        }
    }
}
