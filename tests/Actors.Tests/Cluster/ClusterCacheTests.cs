using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>PROTOCOL.md 2.8 across nodes: a cache channel's last API event reaches a new subscriber on any node, also after its origin crashed.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterCacheTests : ClusterTestBase
{
    private static void PublishFromApi(ClusterNode node, string channel, string name, string data) =>
        node.Refs.Publish(new ChannelEvent(AppId, channel, EventBytes(name, channel, data), null, FromApi: true));

    private static bool Cached(ClusterNode node, string channel, string data) =>
        node.Ask<CachedEventAnswer>(node.Channels, new GetCachedEvent(new ChannelKey(AppId, channel))).Frame is { } frame &&
        System.Text.Encoding.UTF8.GetString(frame.Span).Contains(data);

    [Fact]
    public void A_subscriber_on_another_node_gets_the_cached_event_also_after_the_origin_crashed()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        PublishFromApi(c, "cache-prices", "price", "1.07");
        PublishFromApi(c, "cache-prices", "price", "1.08");
        AwaitAssert(() => Assert.True(Cached(b, "cache-prices", "1.08")), ClusterTimeout);

        var onB = Connect(b);
        SubscribeOk(onB, "cache-prices");
        Assert.Equal("1.08", onB.Probe.ExpectFrame("price").Data!.Value.GetString());

        c.Blackhole(a.Address);
        c.Blackhole(b.Address);
        AwaitReady([a, b]);
        var onA = Connect(a);
        SubscribeOk(onA, "cache-prices");
        Assert.Equal("1.08", onA.Probe.ExpectFrame("price").Data!.Value.GetString());
    }

    [Fact]
    public void A_node_that_joins_later_gets_the_cached_events_from_its_peers()
    {
        var nodes = StartCluster(2);
        PublishFromApi(nodes[0], "private-cache-doc", "saved", "v1");
        AwaitAssert(() => Assert.True(Cached(nodes[1], "private-cache-doc", "v1")), ClusterTimeout);

        var late = StartNode("C");
        late.Cluster.Join(nodes[0].Address);
        AwaitReady([nodes[0], nodes[1], late]);

        AwaitAssert(() => Assert.True(Cached(late, "private-cache-doc", "v1")), ClusterTimeout);
        var client = Connect(late);
        SubscribeOk(client, "private-cache-doc");
        Assert.Equal("v1", client.Probe.ExpectFrame("saved").Data!.Value.GetString());
    }

    [Fact]
    public void Client_events_and_events_of_other_channels_are_not_cached()
    {
        var nodes = StartCluster(2);
        // A client event is published like an API event but not FromApi.
        nodes[0].Refs.Publish(new ChannelEvent(AppId, "private-cache-chat", EventBytes("client-x", "private-cache-chat"), "1.1"));
        PublishFromApi(nodes[0], "plain", "e", "d");
        PublishFromApi(nodes[0], "cache-marker", "e", "marker");
        AwaitAssert(() => Assert.True(Cached(nodes[1], "cache-marker", "marker")), ClusterTimeout);

        Assert.False(Cached(nodes[1], "private-cache-chat", "client-x"));
        Assert.False(Cached(nodes[1], "plain", "d"));
        var client = Connect(nodes[1]);
        SubscribeOk(client, "private-cache-chat");
        client.Probe.ExpectFrame("pusher:cache_miss");
    }
}
