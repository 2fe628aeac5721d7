using Broadcaster.Actors.Channels;
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

    private static void ExpectMarkerNext(Akka.Actor.IActorRef registry, params Subscriber[] subscribers)
    {
        Publish(registry, Room, EventBytes("marker", Room), null);
        foreach (var s in subscribers) s.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Subscription_succeeded_lists_every_member_including_the_subscriber()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        var b = NewSubscriber();
        SubscribeRaw(registry, Room, a, Member("1", """{"name":"A"}"""));

        var succeeded = SubscribeRaw(registry, Room, b, Member("2", """{"name":"B"}"""));

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
        var registry = NewRegistry();
        var watcher = NewSubscriber();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();
        SubscribeRaw(registry, Room, watcher, Member("w"));

        SubscribeRaw(registry, Room, tab1, Member("u", """{"name":"first"}"""));
        var added = watcher.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal(Room, added.Channel);
        Assert.True(added.DataIsString);
        Assert.Equal("u", added.DataJson.GetProperty("user_id").GetString());
        Assert.Equal("first", added.DataJson.GetProperty("user_info").GetProperty("name").GetString());

        // Second tab of the same user: one member, first user_info kept, nobody told.
        var succeeded = SubscribeRaw(registry, Room, tab2, Member("u", """{"name":"second"}"""));
        Assert.Equal(2, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal("first", succeeded.DataJson.GetProperty("presence").GetProperty("hash").GetProperty("u").GetProperty("name").GetString());
        ExpectMarkerNext(registry, watcher, tab1, tab2);
    }

    [Fact]
    public void Member_removed_is_sent_only_when_the_last_connection_of_the_user_leaves()
    {
        var registry = NewRegistry();
        var watcher = NewSubscriber();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();
        SubscribeRaw(registry, Room, watcher, Member("w"));
        SubscribeRaw(registry, Room, tab1, Member("u"));
        SubscribeRaw(registry, Room, tab2, Member("u"));
        watcher.Probe.ExpectFrame("pusher_internal:member_added");

        Tell(registry, Room, new Unsubscribe(tab1.SocketId));
        ExpectMarkerNext(registry, watcher, tab2);

        Tell(registry, Room, new Unsubscribe(tab2.SocketId));
        var removed = watcher.Probe.ExpectFrame("pusher_internal:member_removed");
        Assert.Equal("u", removed.DataJson.GetProperty("user_id").GetString());
        ExpectMarkerNext(registry, watcher);
        Assert.DoesNotContain(tab1.Socket.Frames, f => Frame.Parse(f).Event == "pusher_internal:member_removed");
        Assert.Equal(["w"], AskRegistry<ChannelMembers>(registry, new ChannelEnvelope(AppId, Room, GetMembers.Instance)).Members.Select(m => m.UserId));
    }

    [Fact]
    public void Repeated_subscribe_is_answered_again_without_member_added()
    {
        var registry = NewRegistry();
        var watcher = NewSubscriber();
        var a = NewSubscriber();
        SubscribeRaw(registry, Room, watcher, Member("w"));
        SubscribeRaw(registry, Room, a, Member("a"));
        watcher.Probe.ExpectFrame("pusher_internal:member_added");

        var again = SubscribeRaw(registry, Room, a, Member("a"));

        Assert.Equal(["a", "w"], Ids(again).Order());
        ExpectMarkerNext(registry, watcher, a);
        Assert.Equal(2, AskRegistry<Broadcaster.Protocol.Http.ChannelInfo>(registry, new GetChannel(AppId, Room)).SubscriptionCount);
    }

    [Fact]
    public void Full_presence_channel_refuses_new_users_with_LimitReached_and_tells_the_connection()
    {
        var registry = NewRegistry(ProtocolLimits.Default with { MaxPresenceMembers = 2 });
        var a = NewSubscriber();
        var b = NewSubscriber();
        var c = NewSubscriber();
        var bAgain = NewSubscriber();
        SubscribeRaw(registry, Room, a, Member("a"));
        SubscribeRaw(registry, Room, b, Member("b"));
        a.Probe.ExpectFrame("pusher_internal:member_added");

        Subscribe(registry, Room, c, Member("c"));

        var error = c.Probe.ExpectFrame("pusher:subscription_error");
        Assert.Equal(Room, error.Channel);
        Assert.Equal("LimitReached", error.DataJson.GetProperty("type").GetString());
        Assert.Equal(4100, error.DataJson.GetProperty("status").GetInt32());
        Assert.Equal(Room, c.Connection.ExpectMsg<SubscriptionRefused>(Timeout).Channel);
        // A further connection of a user already present is not a new member and is accepted.
        SubscribeRaw(registry, Room, bAgain, Member("b"));
        ExpectMarkerNext(registry, a, b, bAgain);
        Assert.Equal(new Broadcaster.Protocol.Http.ChannelInfo(Room, 3, 2), AskRegistry<Broadcaster.Protocol.Http.ChannelInfo>(registry, new GetChannel(AppId, Room)));
    }

    [Fact]
    public void GetMembers_answers_the_distinct_members_and_empty_for_an_unknown_channel()
    {
        var registry = NewRegistry();
        SubscribeRaw(registry, Room, NewSubscriber(), Member("1", """{"n":1}"""));
        SubscribeRaw(registry, Room, NewSubscriber(), Member("2"));
        SubscribeRaw(registry, Room, NewSubscriber(), Member("1", """{"n":2}"""));

        var members = AskRegistry<ChannelMembers>(registry, new ChannelEnvelope(AppId, Room, GetMembers.Instance)).Members;

        Assert.Equal([Member("1", """{"n":1}"""), Member("2")], members.OrderBy(m => m.UserId));
        Assert.Empty(AskRegistry<ChannelMembers>(registry, new ChannelEnvelope(AppId, "presence-empty", GetMembers.Instance)).Members);
        Assert.Empty(AskRegistry<ChannelMembers>(registry, new ChannelEnvelope("other-app", Room, GetMembers.Instance)).Members);
    }
}
