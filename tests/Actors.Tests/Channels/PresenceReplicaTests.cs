using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>The presence roster (members keyed by user id with connection counts), local and across nodes.</summary>
public sealed class PresenceReplicaTests
{
    private static readonly PresenceKey Room = new("app", "presence-room");

    private static PresenceMember M(string id, string info = "{}") => new(id, info);

    [Fact]
    public void First_local_join_adds_the_member_and_further_joins_of_the_same_user_do_not()
    {
        var replica = new PresenceReplica("self");

        Assert.Equal((true, true), replica.LocalJoin(Room, M("1")));
        Assert.Equal((false, false), replica.LocalJoin(Room, M("1", """{"x":1}""")));
        Assert.Equal((true, true), replica.LocalJoin(Room, M("2")));

        Assert.Equal(2, replica.UserCount(Room));
        Assert.True(replica.HasUser(Room, "1"));
        Assert.False(replica.HasUser(Room, "3"));
    }

    [Fact]
    public void Leave_removes_the_member_only_with_its_last_connection()
    {
        var replica = new PresenceReplica("self");
        for (var i = 0; i < 3; i++) replica.LocalJoin(Room, M("1"));

        Assert.Equal((false, false), replica.LocalLeave(Room, "1"));
        Assert.Equal((false, false), replica.LocalLeave(Room, "1"));
        Assert.Equal(1, replica.UserCount(Room));
        Assert.Equal((true, true), replica.LocalLeave(Room, "1"));
        Assert.Equal(0, replica.UserCount(Room));
        Assert.Empty(replica.Members(Room));
    }

    [Fact]
    public void Leaving_an_unknown_user_or_channel_changes_nothing()
    {
        var replica = new PresenceReplica("self");
        replica.LocalJoin(Room, M("1"));

        Assert.Equal((false, false), replica.LocalLeave(Room, "2"));
        Assert.Equal((false, false), replica.LocalLeave(new PresenceKey("app", "presence-other"), "1"));
        Assert.Equal(1, replica.UserCount(Room));
    }

    [Fact]
    public void Members_keep_the_first_user_info_and_ids_are_case_sensitive_and_scoped_by_app()
    {
        var replica = new PresenceReplica("self");
        replica.LocalJoin(Room, M("a", """{"v":1}"""));
        replica.LocalJoin(Room, M("a", """{"v":2}"""));
        replica.LocalJoin(Room, M("A"));

        Assert.Equal([M("A"), M("a", """{"v":1}""")], replica.Members(Room).OrderBy(m => m.UserId, StringComparer.Ordinal));
        Assert.Empty(replica.Members(new PresenceKey("other-app", Room.Channel)));
    }

    [Fact]
    public void A_user_present_on_two_nodes_is_one_member_until_both_left()
    {
        var replica = new PresenceReplica("self");
        Assert.True(replica.ApplyRemote("peer", 1, Room, M("u"), joined: true));

        Assert.Equal((true, false), replica.LocalJoin(Room, M("u")));
        Assert.Equal(1, replica.UserCount(Room));
        Assert.Equal((true, false), replica.LocalLeave(Room, "u"));
        Assert.True(replica.ApplyRemote("peer", 2, Room, M("u"), joined: false));
        Assert.Equal(0, replica.UserCount(Room));
    }

    [Fact]
    public void Stale_remote_deltas_are_ignored_and_a_removed_node_takes_its_members_along()
    {
        var replica = new PresenceReplica("self");
        replica.ApplyRemote("peer", 5, Room, M("u"), joined: true);

        Assert.False(replica.ApplyRemote("peer", 5, Room, M("u"), joined: false));
        Assert.False(replica.ApplyRemote("peer", 4, Room, M("u"), joined: false));
        Assert.True(replica.HasUser(Room, "u"));

        var changes = replica.RemoveOrigin("peer");
        Assert.Equal([(Room, M("u"), false)], changes);
        Assert.False(replica.HasUser(Room, "u"));
    }

    [Fact]
    public void Own_entries_are_what_this_node_holds()
    {
        var replica = new PresenceReplica("self");
        replica.LocalJoin(Room, M("mine"));
        replica.ApplyRemote("peer", 1, Room, M("theirs"), joined: true);

        Assert.Equal([(Room, M("mine"))], replica.OwnEntries());
    }
}
