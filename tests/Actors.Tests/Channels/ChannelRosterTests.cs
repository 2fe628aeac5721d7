using Broadcaster.Actors.Channels;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>One presence channel's members as its actor sees them: local sockets per user and users on other nodes.</summary>
public sealed class ChannelRosterTests
{
    private static PresenceMember M(string id, string info = "{}") => new(id, info);

    [Fact]
    public void First_local_join_adds_the_member_and_further_joins_of_the_same_user_do_not()
    {
        var roster = new ChannelRoster();

        Assert.Equal((true, true), roster.LocalJoin(M("1")));
        Assert.Equal((false, false), roster.LocalJoin(M("1", """{"x":1}""")));
        Assert.Equal((true, true), roster.LocalJoin(M("2")));

        Assert.Equal(2, roster.Count);
        Assert.True(roster.Contains("1"));
        Assert.False(roster.Contains("3"));
        Assert.Equal([M("1"), M("2")], roster.Members());
    }

    [Fact]
    public void Leave_removes_the_member_only_with_its_last_connection()
    {
        var roster = new ChannelRoster();
        for (var i = 0; i < 3; i++) roster.LocalJoin(M("1"));

        Assert.Equal((false, false), roster.LocalLeave("1"));
        Assert.Equal((false, false), roster.LocalLeave("1"));
        Assert.Equal(1, roster.Count);
        Assert.Equal((true, true), roster.LocalLeave("1"));
        Assert.Equal(0, roster.Count);
        Assert.Empty(roster.Members());
    }

    [Fact]
    public void Leaving_an_unknown_user_changes_nothing()
    {
        var roster = new ChannelRoster();
        roster.LocalJoin(M("1"));

        Assert.Equal((false, false), roster.LocalLeave("2"));
        Assert.Equal(1, roster.Count);
    }

    [Fact]
    public void A_user_present_here_and_on_another_node_is_one_member_until_both_left()
    {
        var roster = new ChannelRoster();
        Assert.True(roster.RemoteAdded(M("u", """{"first":true}""")));

        Assert.Equal((true, false), roster.LocalJoin(M("u")));
        Assert.Equal([M("u", """{"first":true}""")], roster.Members());
        Assert.Equal((true, false), roster.LocalLeave("u"));
        Assert.Equal(1, roster.Count);
        Assert.True(roster.RemoteRemoved("u"));
        Assert.Equal(0, roster.Count);
    }

    [Fact]
    public void A_remote_leave_keeps_a_user_that_still_has_local_sockets()
    {
        var roster = new ChannelRoster();
        roster.LocalJoin(M("u"));
        Assert.False(roster.RemoteAdded(M("u")));

        Assert.False(roster.RemoteRemoved("u"));
        Assert.True(roster.Contains("u"));
        Assert.Equal((true, true), roster.LocalLeave("u"));
        Assert.False(roster.RemoteRemoved("nobody"));
    }
}
