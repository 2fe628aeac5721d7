using Akka.Actor;
using Akka.TestKit;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>What the registry tells the node bus, and how it applies what other nodes report.</summary>
public sealed class ChannelRegistryClusterTests : ActorTestBase
{
    private const string Room = "presence-room";
    private readonly TestProbe _bus;

    public ChannelRegistryClusterTests() => _bus = CreateTestProbe();

    private IActorRef NewClusterRegistry(ProtocolLimits? limits = null) =>
        Sys.ActorOf(ChannelRegistry.Props(limits ?? ProtocolLimits.Default, "node-a", _bus.Ref));

    private static PresenceMember M(string id) => new(id, "{}");

    private PresenceDelta ExpectDelta() => Assert.IsType<PresenceDelta>(_bus.ExpectMsg<ToPeers>(Timeout).Message);

    [Fact]
    public void Presence_deltas_go_to_peers_on_the_first_and_last_local_socket_of_a_user()
    {
        var registry = NewClusterRegistry();
        var tab1 = NewSubscriber();
        var tab2 = NewSubscriber();

        SubscribeRaw(registry, Room, tab1, M("u"));
        var joined = ExpectDelta();
        Assert.Equal(("node-a", 1L, AppId, Room, "u", true), (joined.Origin, joined.Sequence, joined.AppId, joined.Channel, joined.Member.UserId, joined.Joined));

        SubscribeRaw(registry, Room, tab2, M("u"));
        Tell(registry, Room, new Unsubscribe(tab1.SocketId));
        Tell(registry, Room, new Unsubscribe(tab2.SocketId));

        var left = ExpectDelta();
        Assert.Equal((2L, "u", false), (left.Sequence, left.Member.UserId, left.Joined));
    }

    [Fact]
    public void Remote_members_are_announced_counted_and_listed()
    {
        var registry = NewClusterRegistry();
        var local = NewSubscriber();
        SubscribeRaw(registry, Room, local, M("local"));
        ExpectDelta();

        registry.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));

        var added = local.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal("remote", added.DataJson.GetProperty("user_id").GetString());
        Assert.Equal(new ChannelInfo(Room, 1, 2), AskRegistry<ChannelInfo>(registry, new GetChannel(AppId, Room)));
        var members = AskRegistry<ChannelMembers>(registry, new ChannelEnvelope(AppId, Room, GetMembers.Instance)).Members;
        Assert.Equal(["local", "remote"], members.Select(m => m.UserId).Order());
        var latecomer = NewSubscriber();
        var succeeded = SubscribeRaw(registry, Room, latecomer, M("late"));
        Assert.Equal(3, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());

        registry.Tell(new PresenceDelta("node-b", 2, AppId, Room, M("remote"), false));
        local.Probe.ExpectFrame("pusher_internal:member_added");
        Assert.Equal("remote", local.Probe.ExpectFrame("pusher_internal:member_removed").DataJson.GetProperty("user_id").GetString());
    }

    [Fact]
    public void Node_removal_takes_its_members_along()
    {
        var registry = NewClusterRegistry();
        var local = NewSubscriber();
        SubscribeRaw(registry, Room, local, M("local"));
        registry.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));
        local.Probe.ExpectFrame("pusher_internal:member_added");

        registry.Tell(new OriginRemoved("node-b"));

        Assert.Equal("remote", local.Probe.ExpectFrame("pusher_internal:member_removed").DataJson.GetProperty("user_id").GetString());
        Assert.Equal(new ChannelInfo(Room, 1, 1), AskRegistry<ChannelInfo>(registry, new GetChannel(AppId, Room)));
    }

    [Fact]
    public void Member_limit_counts_members_of_other_nodes()
    {
        var registry = NewClusterRegistry(ProtocolLimits.Default with { MaxPresenceMembers = 1 });
        registry.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("remote"), true));
        var local = NewSubscriber();

        Subscribe(registry, Room, local, M("local"));

        Assert.Equal("LimitReached", local.Probe.ExpectFrame("pusher:subscription_error").DataJson.GetProperty("type").GetString());
        local.Connection.ExpectMsg<SubscriptionRefused>(Timeout);
    }

    [Fact]
    public void Client_events_of_subscribers_go_to_peers_and_events_from_peers_reach_local_subscribers()
    {
        var registry = NewClusterRegistry();
        var sender = NewSubscriber();
        var other = NewSubscriber();
        SubscribeRaw(registry, "private-chat", sender);
        SubscribeRaw(registry, "private-chat", other);
        var stranger = EventBytes("client-stranger", "private-chat");
        var bytes = EventBytes("client-typing", "private-chat");

        Tell(registry, "private-chat", new ClientPublish(stranger, "1.1"));
        Tell(registry, "private-chat", new ClientPublish(bytes, sender.SocketId));

        // The non-subscriber's event went nowhere: the first thing the bus sees is the subscriber's.
        var relayed = Assert.IsType<ChannelEvent>(_bus.ExpectMsg<ToPeers>(Timeout).Message);
        Assert.Equal((AppId, "private-chat", sender.SocketId), (relayed.AppId, relayed.Channel, relayed.ExceptSocketId));
        Assert.True(relayed.Frame.Span.SequenceEqual(bytes));

        registry.Tell(new ChannelEvent(AppId, "private-chat", EventBytes("from-peer", "private-chat"), other.SocketId));
        other.Probe.ExpectFrame("client-typing");
        sender.Probe.ExpectFrame("from-peer");
        Publish(registry, "private-chat", EventBytes("marker", "private-chat"), null);
        other.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Snapshot_request_answers_this_nodes_own_members_only()
    {
        var registry = NewClusterRegistry();
        SubscribeRaw(registry, Room, NewSubscriber(), M("mine"));
        registry.Tell(new PresenceDelta("node-b", 1, AppId, Room, M("theirs"), true));

        var answer = AskRegistry<SnapshotFor>(registry, new PresenceSnapshotRequest("node-c"));

        Assert.Equal("node-c", answer.RequestedBy);
        Assert.Equal("node-a", answer.Snapshot.Origin);
        Assert.Equal([new PresenceSnapshotEntry(AppId, Room, M("mine"))], answer.Snapshot.Entries);
    }
}
