using Akka.TestKit;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// PROTOCOL.md 7 across a cluster: occupied/vacated and member webhooks follow the whole cluster, go out once (from
/// the oldest node), wait their delay, and a crash produces those of what it took down.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterWebhookTests : ClusterTestBase
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(400);
    private static readonly PusherApp App = MakeApp() with
    {
        // Subscription counts have tests of their own.
        Webhooks = [new Webhook("http://hooks.test/", Webhook.AllEventTypes.Where(t => t != Webhook.SubscriptionCount).ToHashSet())],
    };

    private readonly TestProbe _hooks;

    public ClusterWebhookTests() => _hooks = CreateTestProbe();

    private IReadOnlyList<ClusterNode> StartWithWebhooks(int count) => StartClusterFor(count, App, _hooks.Ref, Delay);

    private SentWebhook Expect(string name, string channel, string? userId = null, string? from = null)
    {
        var sent = _hooks.ExpectMsg<SentWebhook>(ClusterTimeout);
        Assert.True(sent.Event.Name == name && sent.Event.Channel == channel && sent.Event.UserId == userId,
            $"expected {name} {channel} {userId}, got {sent.Event}");
        if (from is not null) Assert.Equal(from, sent.Node);
        return sent;
    }

    [Fact]
    public void Occupancy_and_members_are_sent_once_by_the_oldest_node_for_the_whole_cluster()
    {
        var nodes = StartWithWebhooks(3);
        var (b, c) = (nodes[1], nodes[2]);
        var onB = Connect(b, App);
        var onC = Connect(c, App);

        SubscribeOk(onB, "presence-room", PresenceData("42"));
        Expect(Webhook.ChannelOccupied, "presence-room", from: "A");
        Expect(Webhook.MemberAdded, "presence-room", "42", from: "A");
        // The same user on another node is the same member of the same occupied channel: nothing new.
        SubscribeOk(onC, "presence-room", PresenceData("42"));
        Close(onB);
        _hooks.ExpectNoMsg(Delay * 3);

        Close(onC);
        var removed = Expect(Webhook.MemberRemoved, "presence-room", "42", from: "A");
        Expect(Webhook.ChannelVacated, "presence-room", from: "A");
        _hooks.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        // time_ms is when the member left, not when the delay ran out.
        Assert.True(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - removed.CreatedMs >= Delay.TotalMilliseconds - 50);
    }

    [Fact]
    public void A_quick_rejoin_on_another_node_sends_neither_vacated_nor_occupied()
    {
        var nodes = StartWithWebhooks(2);
        var onA = Connect(nodes[0], App);
        SubscribeOk(onA, "news");
        Expect(Webhook.ChannelOccupied, "news");

        Close(onA);
        SubscribeOk(Connect(nodes[1], App), "news");
        _hooks.ExpectNoMsg(Delay * 3);
    }

    [Fact]
    public void The_crash_of_the_oldest_node_sends_what_it_took_down_from_the_next_oldest()
    {
        var nodes = StartWithWebhooks(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        SubscribeOk(Connect(a, App), "presence-lobby", PresenceData("u-a"));
        Expect(Webhook.ChannelOccupied, "presence-lobby", from: "A");
        Expect(Webhook.MemberAdded, "presence-lobby", "u-a", from: "A");
        SubscribeOk(Connect(b, App), "presence-lobby", PresenceData("u-b"));
        Expect(Webhook.MemberAdded, "presence-lobby", "u-b", from: "A");

        a.Blackhole(b.Address);
        a.Blackhole(c.Address);

        // Once A is removed, B or C (whichever was Up first) is the oldest and sends it, once: u-a left with A, and the
        // channel stays occupied by u-b.
        var removed = Expect(Webhook.MemberRemoved, "presence-lobby", "u-a");
        var oldest = new[] { b, c }.OrderBy(n => n.Cluster.SelfMember, Akka.Cluster.Member.AgeOrdering).First();
        Assert.Equal(oldest.Name, removed.Node);
        _hooks.ExpectNoMsg(Delay * 2);
    }

    [Fact]
    public void Client_events_and_cache_misses_are_sent_by_the_node_they_happen_on()
    {
        var nodes = StartWithWebhooks(2);
        var onB = Connect(nodes[1], App);
        var other = Connect(nodes[0], App);
        SubscribeOk(onB, "private-chat");
        Expect(Webhook.ChannelOccupied, "private-chat", from: "A");
        SubscribeOk(other, "private-chat");
        Send(onB, ClientEventJson("client-typing", "private-chat"));
        var sent = Expect(Webhook.ClientEvent, "private-chat", from: "B");
        Assert.Equal(("client-typing", """{"typing":true}""", onB.SocketId), (sent.Event.Event, sent.Event.Data, sent.Event.SocketId));

        SubscribeOk(onB, "cache-prices");
        onB.Probe.ExpectFrame("pusher:cache_miss");
        // Two nodes send these two: their order between them is not defined.
        var two = new[] { _hooks.ExpectMsg<SentWebhook>(ClusterTimeout), _hooks.ExpectMsg<SentWebhook>(ClusterTimeout) }
            .Select(h => (h.Node, h.Event.Name, h.Event.Channel)).Order().ToList();
        Assert.Equal([("A", Webhook.ChannelOccupied, "cache-prices"), ("B", Webhook.CacheMiss, "cache-prices")], two);
    }
}
