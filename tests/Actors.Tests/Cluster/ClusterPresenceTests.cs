using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>Presence members live on different nodes, yet every node shows one and the same member list.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPresenceTests : ClusterTestBase
{
    private const string Room = "presence-room";

    private Client Join(ClusterNode node, string userId, out Frame succeeded)
    {
        var client = Connect(node);
        succeeded = SubscribeOk(client, Room, PresenceData(userId));
        return client;
    }

    [Fact]
    public void Members_on_different_nodes_are_listed_announced_and_counted_everywhere()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);

        var onA = Join(a, "u1", out var first);
        Assert.Equal(["u1"], PresenceIds(first));
        AwaitMembers(Room, nodes, "u1");

        var onB = Join(b, "u2", out var second);
        Assert.Equal(["u1", "u2"], PresenceIds(second));
        Assert.Equal("u2", UserIdOf(onA.Probe.ExpectFrame("pusher_internal:member_added", ClusterTimeout)));
        AwaitMembers(Room, nodes, "u1", "u2");

        var onC = Join(c, "u3", out var third);
        Assert.Equal(["u1", "u2", "u3"], PresenceIds(third));
        Assert.Equal(3, third.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal("u3", UserIdOf(onA.Probe.ExpectFrame("pusher_internal:member_added", ClusterTimeout)));
        Assert.Equal("u3", UserIdOf(onB.Probe.ExpectFrame("pusher_internal:member_added", ClusterTimeout)));
        AwaitMembers(Room, nodes, "u1", "u2", "u3");
        // Subscription counts stay per node (the HTTP layer sums them); user counts are cluster-wide.
        Assert.All(nodes, n => Assert.Equal((1, 3), (ChannelOf(n, Room).SubscriptionCount, ChannelOf(n, Room).UserCount)));

        Send(onB, UnsubscribeJson(Room));
        Assert.Equal("u2", UserIdOf(onA.Probe.ExpectFrame("pusher_internal:member_removed", ClusterTimeout)));
        Assert.Equal("u2", UserIdOf(onC.Probe.ExpectFrame("pusher_internal:member_removed", ClusterTimeout)));
        AwaitMembers(Room, nodes, "u1", "u3");

        Close(onC);
        Assert.Equal("u3", UserIdOf(onA.Probe.ExpectFrame("pusher_internal:member_removed", ClusterTimeout)));
        AwaitMembers(Room, nodes, "u1");
        Assert.Equal(0, ChannelOf(c, Room).SubscriptionCount);
    }

    [Fact]
    public void One_user_on_two_nodes_is_one_member_added_first_and_removed_last()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var watchA = Join(a, "w-a", out _);
        AwaitMembers(Room, nodes, "w-a");
        var watchB = Join(b, "w-b", out _);
        AwaitMembers(Room, nodes, "w-a", "w-b");
        var watchC = Join(c, "w-c", out _);
        AwaitMembers(Room, nodes, "w-a", "w-b", "w-c");

        var tabOnA = Join(a, "u", out _);
        AwaitMembers(Room, nodes, "u", "w-a", "w-b", "w-c");
        var tabOnB = Join(b, "u", out var onBSucceeded);
        Assert.Equal(["u", "w-a", "w-b", "w-c"], PresenceIds(onBSucceeded));
        var sync = Join(b, "sync", out _);
        AwaitMembers(Room, nodes, "sync", "u", "w-a", "w-b", "w-c");

        // The first tab closes: u is still on B, so nobody hears of it.
        Send(tabOnA, UnsubscribeJson(Room));
        AwaitAssert(() => Assert.Equal(1, ChannelOf(a, Room).SubscriptionCount), ClusterTimeout);
        // A's leave went to the peers before this event (one ordered link per pair), so once every watcher has
        // the event, every node has applied the leave.
        Publish(a, Room, EventBytes("after-first-leave", Room));
        AwaitAssert(() => Assert.All([watchA, watchB, watchC], w => Assert.Contains(w.Socket.Frames, f => Frame.Parse(f).Event == "after-first-leave")),
            ClusterTimeout);
        AwaitMembers(Room, nodes, "sync", "u", "w-a", "w-b", "w-c");

        Send(tabOnB, UnsubscribeJson(Room));
        // Two connections' messages reach the channel in no defined order: the second leave waits for the first.
        AwaitMembers(Room, nodes, "sync", "w-a", "w-b", "w-c");
        Send(sync, UnsubscribeJson(Room));
        AwaitMembers(Room, nodes, "w-a", "w-b", "w-c");

        // All announcements of a channel go through its channel actor in the order the deltas were applied, so
        // once "-sync" (the last change) is there, any duplicate of an earlier one would be listed before it.
        AwaitAssert(() =>
        {
            Assert.Equal(["+w-b", "+w-c", "+u", "+sync", "-u", "-sync"], PresenceChanges(watchA));
            Assert.Equal(["+w-c", "+u", "+sync", "-u", "-sync"], PresenceChanges(watchB));
            Assert.Equal(["+u", "+sync", "-u", "-sync"], PresenceChanges(watchC));
        }, ClusterTimeout);
    }

    private static List<string> PresenceChanges(Client client) =>
        client.Socket.Frames.Select(f => Frame.Parse(f))
            .Where(f => f.Event is "pusher_internal:member_added" or "pusher_internal:member_removed")
            .Select(f => (f.Event.EndsWith("added") ? "+" : "-") + UserIdOf(f)).ToList();

    [Fact]
    public void A_node_that_joins_later_lists_the_existing_members_from_its_snapshot()
    {
        var nodes = StartCluster(3);
        Join(nodes[0], "u1", out _);
        Join(nodes[1], "u2", out _);
        Join(nodes[2], "u3", out _);
        Join(nodes[2], "u1", out _);
        AwaitMembers(Room, nodes, "u1", "u2", "u3");

        var d = StartNode("D");
        d.Cluster.Join(nodes[0].Address);
        AwaitReady([.. nodes, d]);

        // Ready means every peer's snapshot is in: nothing to wait for.
        Assert.Equal(["u1", "u2", "u3"], MemberIds(d, Room));
        Join(d, "u4", out var succeeded);
        Assert.Equal(["u1", "u2", "u3", "u4"], PresenceIds(succeeded));
        AwaitMembers(Room, [.. nodes, d], "u1", "u2", "u3", "u4");
    }
}
