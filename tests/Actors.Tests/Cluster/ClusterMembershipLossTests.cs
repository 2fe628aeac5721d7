using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// A node that crashes (its links blackholed: no Terminate, no goodbye) or leaves takes its presence members
/// along once it is removed from the cluster: no ghost members on the survivors.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterMembershipLossTests : ClusterTestBase
{
    private const string Room = "presence-room";

    private (IReadOnlyList<ClusterNode> Nodes, Client OnA, Client OnB) PopulateRoom()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var onA = Connect(a);
        SubscribeOk(onA, Room, PresenceData("u-a"));
        AwaitMembers(Room, nodes, "u-a");
        var onB = Connect(b);
        SubscribeOk(onB, Room, PresenceData("u-b"));
        AwaitMembers(Room, nodes, "u-a", "u-b");
        // C holds two users of its own, and u-b too: u-b stays when C goes.
        foreach (var user in new[] { "u-c1", "u-c2", "u-b" }) SubscribeOk(Connect(c), Room, PresenceData(user));
        SubscribeOk(Connect(c), "news");
        AwaitMembers(Room, nodes, "u-a", "u-b", "u-c1", "u-c2");
        Assert.Equal(["u-b", "u-c1", "u-c2"], [.. Announced(onA, "member_added")]);
        Assert.Equal(["u-c1", "u-c2"], [.. Announced(onB, "member_added")]);
        return (nodes, onA, onB);
    }

    [Fact]
    public void A_crashed_node_is_removed_and_its_members_are_dropped_everywhere()
    {
        var (nodes, onA, onB) = PopulateRoom();
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);

        c.Blackhole(a.Address);
        c.Blackhole(b.Address);

        AwaitMembers(Room, [a, b], "u-a", "u-b");
        AwaitAssert(() =>
        {
            Assert.Equal(["u-c1", "u-c2"], Announced(onA, "member_removed").Order());
            Assert.Equal(["u-c1", "u-c2"], Announced(onB, "member_removed").Order());
        }, ClusterTimeout);
        AwaitReady([a, b]);
        Assert.All(new[] { a, b }, n => Assert.Equal((1, 2), (ChannelOf(n, Room).SubscriptionCount, ChannelOf(n, Room).UserCount)));
        // A latecomer on a survivor sees no ghost either.
        var late = Connect(b);
        Assert.Equal(["u-a", "u-b", "u-late"], PresenceIds(SubscribeOk(late, Room, PresenceData("u-late"))));
    }

    [Fact]
    public void A_node_that_leaves_gracefully_takes_its_members_along()
    {
        var (nodes, onA, onB) = PopulateRoom();
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);

        c.Cluster.Leave(c.Address);

        AwaitMembers(Room, [a, b], "u-a", "u-b");
        AwaitAssert(() =>
        {
            Assert.Equal(["u-c1", "u-c2"], Announced(onA, "member_removed").Order());
            Assert.Equal(["u-c1", "u-c2"], Announced(onB, "member_removed").Order());
        }, ClusterTimeout);
        AwaitReady([a, b]);
        AwaitCondition(() => c.System.WhenTerminated.IsCompleted, ClusterTimeout, "C did not shut down after leaving");
        AwaitMembers(Room, [a, b], "u-a", "u-b");
        Assert.All(new[] { a, b }, n => Assert.Equal((1, 2), (ChannelOf(n, Room).SubscriptionCount, ChannelOf(n, Room).UserCount)));
    }

    private static IEnumerable<string> Announced(Client client, string change) =>
        client.Socket.Frames.Select(f => Frame.Parse(f))
            .Where(f => f.Event == "pusher_internal:" + change)
            .Select(UserIdOf);
}
