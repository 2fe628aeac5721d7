using Akka.Actor;
using Akka.TestKit;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>What a node's channels publish for the other nodes, and how they apply what other nodes publish.</summary>
public sealed class ChannelClusterTests : ActorTestBase
{
    private const string Room = "presence-room";
    private readonly TestProbe _published;

    public ChannelClusterTests() => _published = CreateTestProbe();

    private LocalChannels NewClusterChannels(ProtocolLimits? limits = null)
    {
        var channels = NewChannels(limits, "node-a", _published.Ref);
        // node-b is a linked peer: its snapshot (empty) arrived, so its deltas apply at once.
        channels.Presence.Tell(new PresenceSnapshot("node-b", 0, []));
        return channels;
    }

    private static PresenceMember M(string id) => new(id, "{}");

    private PresenceDelta ExpectDelta() => _published.ExpectMsg<PresenceDelta>(Timeout);

    [Fact]
    public void Presence_deltas_are_published_on_the_first_and_last_local_socket_of_a_user()
    {
        var channels = NewClusterChannels();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();

        SubscribeRaw(channels, Room, tab1, M("u"));
        var joined = ExpectDelta();
        Assert.Equal(("node-a", 1L, AppId, Room, "u", true), (joined.Origin, joined.Sequence, joined.AppId, joined.Channel, joined.Member.UserId, joined.Joined));

        SubscribeRaw(channels, Room, tab2, M("u"));
        Tell(channels, Room, new Unsubscribe(tab1.SocketId));
        Tell(channels, Room, new Unsubscribe(tab2.SocketId));

        var left = ExpectDelta();
        Assert.Equal((2L, "u", false), (left.Sequence, left.Member.UserId, left.Joined));
    }

    [Fact]
    public void Remote_members_are_announced_counted_and_listed()
    {
        var channels = NewClusterChannels();
        var local = NewSubscriber();
        SubscribeRaw(channels, Room, local, M("local"));
        ExpectDelta();

        channels.Presence.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));

        var added = local.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal("remote", added.DataJson.GetProperty("user_id").GetString());
        Assert.Equal(new ChannelInfo(Room, 1, 2), Info(channels, Room));
        Assert.Equal(["local", "remote"], MemberIds(channels, Room));
        var latecomer = NewSubscriber();
        var succeeded = SubscribeRaw(channels, Room, latecomer, M("late"));
        Assert.Equal(3, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());

        channels.Presence.Tell(new PresenceDelta("node-b", 2, AppId, Room, M("remote"), false));
        local.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal("remote", local.Probe.ExpectFrame("pusher_internal:member_removed").DataJson.GetProperty("user_id").GetString());
    }

    [Fact]
    public void A_channel_actor_started_after_remote_members_joined_lists_them()
    {
        var channels = NewClusterChannels();
        channels.Presence.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));
        AwaitAssert(() => Assert.Equal(["remote"], MemberIds(channels, Room)), Timeout);

        var local = NewSubscriber();
        var succeeded = SubscribeRaw(channels, Room, local, M("local"));

        Assert.Equal(["local", "remote"], succeeded.DataJson.GetProperty("presence").GetProperty("ids").EnumerateArray().Select(e => e.GetString()).Order());
        channels.Presence.Tell(new PresenceDelta("node-b", 2, AppId, Room, M("remote"), false));
        local.Probe.ExpectFrame("pusher_internal:member_removed");
    }

    [Fact]
    public void Node_removal_takes_its_members_along()
    {
        var channels = NewClusterChannels();
        var local = NewSubscriber();
        SubscribeRaw(channels, Room, local, M("local"));
        channels.Presence.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));
        local.Probe.ExpectFrame("pusher_internal:member_added");

        channels.Presence.Tell(new OriginRemoved("node-b"));

        Assert.Equal("remote", local.Probe.ExpectFrame("pusher_internal:member_removed").DataJson.GetProperty("user_id").GetString());
        Assert.Equal(new ChannelInfo(Room, 1, 1), Info(channels, Room));
    }

    [Fact]
    public void Member_limit_counts_members_of_other_nodes()
    {
        var channels = NewClusterChannels(ProtocolLimits.Default with { MaxPresenceMembers = 1 });
        channels.Presence.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));
        AwaitAssert(() => Assert.Equal(["remote"], MemberIds(channels, Room)), Timeout);
        var local = NewSubscriber();

        Subscribe(channels, Room, local, M("local"));

        Assert.Equal("LimitReached", local.Probe.ExpectFrame("pusher:subscription_error").DataJson.GetProperty("type").GetString());
        local.Connection.ExpectMsg<SubscriptionRefused>(Timeout);
    }

    [Fact]
    public void Client_events_of_subscribers_are_published_and_events_from_peers_reach_local_subscribers()
    {
        var channels = NewClusterChannels();
        var sender = NewSubscriber();
        var other = NewSubscriber();
        SubscribeRaw(channels, "private-chat", sender);
        SubscribeRaw(channels, "private-chat", other);
        var stranger = EventBytes("client-stranger", "private-chat");
        var bytes = EventBytes("client-typing", "private-chat");

        Tell(channels, "private-chat", new ClientPublish(stranger, "1.1"));
        Tell(channels, "private-chat", new ClientPublish(bytes, sender.SocketId));

        // The non-subscriber's event went nowhere: the first thing published is the subscriber's.
        var relayed = _published.ExpectMsg<ChannelEvent>(Timeout);
        Assert.Equal((AppId, "private-chat", sender.SocketId), (relayed.AppId, relayed.Channel, relayed.ExceptSocketId));
        Assert.True(relayed.Frame.Span.SequenceEqual(bytes));

        channels.Directory.Tell(new ChannelEvent(AppId, "private-chat", EventBytes("from-peer", "private-chat"), other.SocketId));
        other.Probe.ExpectFrame("client-typing");
        sender.Probe.ExpectFrame("from-peer");
        Publish(channels, "private-chat", EventBytes("marker", "private-chat"), null);
        other.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Snapshot_request_answers_this_nodes_own_members_only()
    {
        var channels = NewClusterChannels();
        SubscribeRaw(channels, Room, NewSubscriber(), M("mine"));
        channels.Presence.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("theirs"), true));
        AwaitAssert(() => Assert.Equal(["mine", "theirs"], MemberIds(channels, Room)), Timeout);

        var snapshot = Ask<PresenceSnapshot>(channels.Presence, new PresenceSnapshotRequest("node-c"));

        Assert.Equal(("node-a", 1L), (snapshot.Origin, snapshot.Sequence));
        Assert.Equal([new PresenceSnapshotEntry(AppId, Room, M("mine"))], snapshot.Entries);
    }
}
