using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Presence;

/// <summary>The cluster's presence members grouped by origin node: local entries, peers' deltas and snapshots, removals.</summary>
public sealed class PresenceReplicaTests
{
    private static readonly ChannelKey Room = new("app", "presence-room");

    private static PresenceMember M(string id, string info = "{}") => new(id, info);

    private static PresenceDelta Delta(string origin, long sequence, string user, bool joined) =>
        new(origin, sequence, Room.AppId, Room.Channel, M(user), joined);

    private static PresenceSnapshot Snapshot(string origin, long sequence, params string[] users) =>
        new(origin, sequence, users.Select(u => new PresenceSnapshotEntry(Room.AppId, Room.Channel, M(u))).ToList());

    /// <summary>A replica that has the peer's (empty) snapshot, so the peer's deltas apply at once.</summary>
    private static PresenceReplica Linked(params string[] peers)
    {
        var replica = new PresenceReplica("self");
        foreach (var peer in peers) replica.ApplySnapshot(Snapshot(peer, 0));
        return replica;
    }

    [Fact]
    public void Local_members_count_and_list_and_are_this_nodes_own_entries()
    {
        var replica = Linked("peer");
        replica.LocalJoined(Room, M("mine"));
        replica.ApplyDelta(Delta("peer", 1, "theirs", true));

        Assert.Equal(2, replica.UserCount(Room));
        Assert.Equal(["mine", "theirs"], replica.Members(Room).Select(m => m.UserId).Order());
        Assert.Equal([new PresenceSnapshotEntry(Room.AppId, Room.Channel, M("mine"))], replica.OwnEntries());
        Assert.Equal([M("theirs")], replica.RemoteMembers(Room));
        Assert.Equal((1, 2), (replica.LocalMemberCount(), replica.MemberCount()));

        replica.LocalLeft(Room, "mine");
        Assert.Equal(1, replica.UserCount(Room));
        Assert.Empty(replica.OwnEntries());
    }

    [Fact]
    public void Members_keep_the_first_user_info_and_ids_are_case_sensitive_and_scoped_by_app()
    {
        var replica = Linked("peer");
        replica.LocalJoined(Room, M("a", """{"v":1}"""));
        replica.ApplyDelta(new PresenceDelta("peer", 1, Room.AppId, Room.Channel, M("a", """{"v":2}"""), true));
        replica.LocalJoined(Room, M("A"));

        Assert.Equal([M("A"), M("a", """{"v":1}""")], replica.Members(Room).OrderBy(m => m.UserId, StringComparer.Ordinal));
        Assert.Empty(replica.Members(new ChannelKey("other-app", Room.Channel)));
    }

    [Fact]
    public void A_user_present_on_two_nodes_is_one_member_until_both_left()
    {
        var replica = Linked("peer");
        Assert.Equal([new RemoteChange(Room, M("u"), true)], replica.ApplyDelta(Delta("peer", 1, "u", true)));

        replica.LocalJoined(Room, M("u"));
        Assert.Equal(1, replica.UserCount(Room));
        replica.LocalLeft(Room, "u");
        Assert.Equal([new RemoteChange(Room, M("u"), false)], replica.ApplyDelta(Delta("peer", 2, "u", false)));
        Assert.Equal(0, replica.UserCount(Room));
    }

    [Fact]
    public void Remote_changes_report_only_the_presence_on_other_nodes()
    {
        var replica = Linked("b", "c");
        replica.LocalJoined(Room, M("u"));

        // Present here already, but new on the other nodes: the channel actor counts it as remote from now on.
        Assert.Equal([new RemoteChange(Room, M("u"), true)], replica.ApplyDelta(Delta("b", 1, "u", true)));
        Assert.Empty(replica.ApplyDelta(Delta("c", 1, "u", true)));
        Assert.Empty(replica.ApplyDelta(Delta("b", 2, "u", false)));
        Assert.Equal([new RemoteChange(Room, M("u"), false)], replica.ApplyDelta(Delta("c", 2, "u", false)));
        Assert.Equal(1, replica.UserCount(Room));
    }

    [Fact]
    public void Stale_deltas_and_own_deltas_are_ignored_and_a_removed_node_takes_its_members_along()
    {
        var replica = Linked("peer");
        replica.ApplyDelta(Delta("peer", 5, "u", true));

        Assert.Empty(replica.ApplyDelta(Delta("peer", 5, "u", false)));
        Assert.Empty(replica.ApplyDelta(Delta("peer", 4, "u", false)));
        Assert.Empty(replica.ApplyDelta(Delta("self", 9, "x", true)));
        Assert.Equal(1, replica.UserCount(Room));

        Assert.Equal([new RemoteChange(Room, M("u"), false)], replica.RemoveOrigin("peer"));
        Assert.Equal(0, replica.UserCount(Room));
        // What the removed incarnation sent before it stopped may still arrive: it must not bring the member back.
        Assert.Empty(replica.ApplyDelta(Delta("peer", 6, "u", true)));
        Assert.Empty(replica.ApplySnapshot(Snapshot("peer", 7, "u")));
        Assert.Equal(0, replica.UserCount(Room));
    }

    [Fact]
    public void Deltas_that_overtake_the_snapshot_wait_for_it_and_only_newer_ones_apply()
    {
        var replica = new PresenceReplica("self");

        // Sequence 1 and 2 are already in the snapshot; 3 is not.
        Assert.Empty(replica.ApplyDelta(Delta("peer", 1, "old", true)));
        Assert.Empty(replica.ApplyDelta(Delta("peer", 3, "new", true)));
        Assert.Empty(replica.ApplyDelta(Delta("peer", 2, "gone", false)));
        Assert.Equal(0, replica.UserCount(Room));

        var changes = replica.ApplySnapshot(Snapshot("peer", 2, "old"));

        Assert.Equal([new RemoteChange(Room, M("old"), true), new RemoteChange(Room, M("new"), true)], changes);
        Assert.Equal(["new", "old"], replica.Members(Room).Select(m => m.UserId).Order());
        Assert.Empty(replica.ApplyDelta(Delta("peer", 3, "new", false)));
        Assert.Single(replica.ApplyDelta(Delta("peer", 4, "new", false)));
    }

    [Fact]
    public void A_newer_snapshot_replaces_what_the_origin_held_and_an_older_one_is_ignored()
    {
        var replica = new PresenceReplica("self");
        replica.ApplySnapshot(Snapshot("peer", 3, "a", "b"));

        var changes = replica.ApplySnapshot(Snapshot("peer", 5, "b", "c"));
        Assert.Equal([new RemoteChange(Room, M("a"), false), new RemoteChange(Room, M("c"), true)], changes);

        Assert.Empty(replica.ApplySnapshot(Snapshot("peer", 4, "z")));
        Assert.Equal(["b", "c"], replica.Members(Room).Select(m => m.UserId).Order());
    }
}
