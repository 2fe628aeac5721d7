using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Channels;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

public sealed class PresenceChannelTests : ActorTestBase
{
    private const string Room = "presence-room";

    private static PresenceMember Member(string id, string info = "{}") => new(id, info);

    private static string[] Ids(Frame succeeded) =>
        succeeded.DataJson.GetProperty("presence").GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static void ExpectMarkerNext(LocalChannels channels, params Subscriber[] subscribers)
    {
        Publish(channels, Room, EventBytes("marker", Room), null);
        foreach (var s in subscribers) s.Probe.ExpectFrame("marker");
    }

    private IReadOnlyList<PresenceMember> Members(LocalChannels channels, string appId, string channel) =>
        Ask<ChannelMembers>(channels.Presence, new GetMembers(new ChannelKey(appId, channel))).Members;

    [Fact]
    public void Subscription_succeeded_lists_every_member_including_the_subscriber()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        var b = NewSubscriber();
        SubscribeRaw(channels, Room, a, Member("1", """{"name":"A"}"""));

        var succeeded = SubscribeRaw(channels, Room, b, Member("2", """{"name":"B"}"""));

        Assert.True(succeeded.DataIsString);
        Assert.Equal(["1", "2"], Ids(succeeded).Order());
        var presence = succeeded.DataJson.GetProperty("presence");
        Assert.Equal(2, presence.GetProperty("count").GetInt32());
        Assert.Equal("A", presence.GetProperty("hash").GetProperty("1").GetProperty("name").GetString());
        Assert.Equal("B", presence.GetProperty("hash").GetProperty("2").GetProperty("name").GetString());
    }

    [Fact]
    public void Member_added_goes_only_to_others_and_only_on_the_first_connection_of_a_user()
    {
        var channels = NewChannels();
        var watcher = NewSubscriber();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();
        SubscribeRaw(channels, Room, watcher, Member("w"));

        SubscribeRaw(channels, Room, tab1, Member("u", """{"name":"first"}"""));
        var added = watcher.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal(Room, added.Channel);
        Assert.True(added.DataIsString);
        Assert.Equal("u", added.DataJson.GetProperty("user_id").GetString());
        Assert.Equal("first", added.DataJson.GetProperty("user_info").GetProperty("name").GetString());

        // Second tab of the same user: one member, first user_info kept, nobody told.
        var succeeded = SubscribeRaw(channels, Room, tab2, Member("u", """{"name":"second"}"""));
        Assert.Equal(2, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal("first", succeeded.DataJson.GetProperty("presence").GetProperty("hash").GetProperty("u").GetProperty("name").GetString());
        ExpectMarkerNext(channels, watcher, tab1, tab2);
    }

    [Fact]
    public void Member_removed_is_sent_only_when_the_last_connection_of_the_user_leaves()
    {
        var channels = NewChannels();
        var watcher = NewSubscriber();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();
        SubscribeRaw(channels, Room, watcher, Member("w"));
        SubscribeRaw(channels, Room, tab1, Member("u"));
        SubscribeRaw(channels, Room, tab2, Member("u"));
        watcher.Probe.ExpectFrame("pusher_internal:member_added");

        Tell(channels, Room, new Unsubscribe(tab1.SocketId));
        ExpectMarkerNext(channels, watcher, tab2);

        Tell(channels, Room, new Unsubscribe(tab2.SocketId));
        var removed = watcher.Probe.ExpectFrame("pusher_internal:member_removed");
        Assert.Equal("u", removed.DataJson.GetProperty("user_id").GetString());
        ExpectMarkerNext(channels, watcher);
        Assert.DoesNotContain(tab1.Socket.Frames, f => Frame.Parse(f).Event == "pusher_internal:member_removed");
        Assert.Equal(["w"], MemberIds(channels, Room));
    }

    [Fact]
    public void Repeated_subscribe_is_answered_again_without_member_added()
    {
        var channels = NewChannels();
        var watcher = NewSubscriber();
        var a = NewSubscriber();
        SubscribeRaw(channels, Room, watcher, Member("w"));
        SubscribeRaw(channels, Room, a, Member("a"));
        watcher.Probe.ExpectFrame("pusher_internal:member_added");

        var again = SubscribeRaw(channels, Room, a, Member("a"));

        Assert.Equal(["a", "w"], Ids(again).Order());
        ExpectMarkerNext(channels, watcher, a);
        Assert.Equal(2, Info(channels, Room).SubscriptionCount);
    }

    [Fact]
    public void Full_presence_channel_refuses_new_users_with_LimitReached_and_tells_the_connection()
    {
        var channels = NewChannels(ProtocolLimits.Default with { MaxPresenceMembers = 2 });
        var a = NewSubscriber();
        var b = NewSubscriber();
        var c = NewSubscriber();
        var bAgain = NewSubscriber();
        SubscribeRaw(channels, Room, a, Member("a"));
        SubscribeRaw(channels, Room, b, Member("b"));
        a.Probe.ExpectFrame("pusher_internal:member_added");

        Subscribe(channels, Room, c, Member("c"));

        var error = c.Probe.ExpectFrame("pusher:subscription_error");
        Assert.Equal(Room, error.Channel);
        Assert.Equal("LimitReached", error.DataJson.GetProperty("type").GetString());
        Assert.Equal(4100, error.DataJson.GetProperty("status").GetInt32());
        Assert.Equal(Room, c.Connection.ExpectMsg<SubscriptionRefused>(Timeout).Channel);
        // A further connection of a user already present is not a new member and is accepted.
        SubscribeRaw(channels, Room, bAgain, Member("b"));
        ExpectMarkerNext(channels, a, b, bAgain);
        Assert.Equal(new Broadcaster.Protocol.Http.ChannelInfo(Room, 3, 2), Info(channels, Room));
    }

    [Fact]
    public void GetMembers_answers_the_distinct_members_and_empty_for_an_unknown_channel()
    {
        var channels = NewChannels();
        SubscribeRaw(channels, Room, NewSubscriber(), Member("1", """{"n":1}"""));
        SubscribeRaw(channels, Room, NewSubscriber(), Member("2"));
        SubscribeRaw(channels, Room, NewSubscriber(), Member("1", """{"n":2}"""));

        var members = Members(channels, AppId, Room);

        Assert.Equal([Member("1", """{"n":1}"""), Member("2")], members.OrderBy(m => m.UserId));
        Assert.Empty(Members(channels, AppId, "presence-empty"));
        Assert.Empty(Members(channels, "other-app", Room));
    }
}
