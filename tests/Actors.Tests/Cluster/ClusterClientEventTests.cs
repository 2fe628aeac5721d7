using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>Client events travel to the other nodes' subscribers, never back to the sender.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterClientEventTests : ClusterTestBase
{
    private const string Channel = "private-chat";

    [Fact]
    public void A_client_event_reaches_subscribers_on_every_node_but_never_the_sender()
    {
        var nodes = StartCluster(3);
        var app = MakeApp(clientMessages: true);
        var sender = Connect(nodes[0], app);
        var others = new[] { Connect(nodes[0], app), Connect(nodes[1], app), Connect(nodes[1], app), Connect(nodes[2], app) };
        SubscribeOk(sender, Channel);
        foreach (var other in others) SubscribeOk(other, Channel);

        Send(sender, ClientEventJson("client-typing", Channel, """{"who":"sender"}"""));

        foreach (var other in others)
        {
            var frame = other.Probe.ExpectFrame("client-typing", ClusterTimeout);
            Assert.Equal(Channel, frame.Channel);
            Assert.Equal("sender", frame.DataJson.GetProperty("who").GetString());
        }
        // Client events are relayed on the sender's node before it handles anything else; the marker comes after.
        Publish(nodes[0], Channel, EventBytes("marker", Channel));
        sender.Probe.ExpectFrame("marker", ClusterTimeout);
        foreach (var other in others) other.Probe.ExpectFrame("marker", ClusterTimeout);
    }

    [Fact]
    public void A_client_event_sent_on_another_node_reaches_this_node_and_is_not_echoed_there()
    {
        var nodes = StartCluster(3);
        var onA = Connect(nodes[0]);
        var senderOnC = Connect(nodes[2]);
        SubscribeOk(onA, Channel);
        SubscribeOk(senderOnC, Channel);

        Send(senderOnC, ClientEventJson("client-hello", Channel));
        Send(senderOnC, ClientEventJson("client-again", Channel));

        onA.Probe.ExpectFrame("client-hello", ClusterTimeout);
        onA.Probe.ExpectFrame("client-again", ClusterTimeout);
        Publish(nodes[2], Channel, EventBytes("marker", Channel));
        senderOnC.Probe.ExpectFrame("marker", ClusterTimeout);
    }
}
