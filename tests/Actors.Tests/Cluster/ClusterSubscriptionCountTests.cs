using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>PROTOCOL.md 2.10 across nodes: <c>pusher_internal:subscription_count</c> carries the cluster-wide count.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSubscriptionCountTests : ClusterTestBase
{
    private static readonly PusherApp App = MakeApp() with
    {
        EnableSubscriptionCount = true,
        Webhooks = [new Webhook("http://hooks.test/", new HashSet<string> { Webhook.SubscriptionCount })],
    };

    private static int Count(Client client) =>
        System.Text.Json.JsonDocument.Parse(client.Probe.ExpectFrame("pusher_internal:subscription_count", ClusterTimeout).Data!.Value.GetString()!)
            .RootElement.GetProperty("subscription_count").GetInt32();

    [Fact]
    public void Every_subscriber_on_every_node_hears_the_cluster_wide_count_and_the_oldest_node_sends_the_webhook()
    {
        var hooks = CreateTestProbe();
        var nodes = StartClusterFor(2, App, hooks.Ref);
        var onA = Connect(nodes[0], App);
        var onB = Connect(nodes[1], App);

        SubscribeOk(onA, "orders");
        Assert.Equal(1, Count(onA));
        SubscribeOk(onB, "orders");
        // B may count its own subscriber before A's count reaches it: it then tells 1, and 2 right after.
        var seenOnB = Count(onB);
        if (seenOnB == 1) seenOnB = Count(onB);
        Assert.Equal(2, seenOnB);
        Assert.Equal(2, Count(onA));

        Close(onB);
        Assert.Equal(1, Count(onA));

        var sent = new[] { 1, 2, 1 }.Select(_ => hooks.ExpectMsg<SentWebhook>(ClusterTimeout)).ToList();
        Assert.All(sent, h => Assert.Equal(("A", Webhook.SubscriptionCount, "orders"), (h.Node, h.Event.Name, h.Event.Channel)));
        Assert.Equal([1, 2, 1], sent.Select(h => h.Event.SubscriptionCount!.Value));
        hooks.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Presence_channels_get_no_count()
    {
        var nodes = StartClusterFor(1, App);
        var member = Connect(nodes[0], App);
        SubscribeOk(member, "presence-room", PresenceData("1"));
        member.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
