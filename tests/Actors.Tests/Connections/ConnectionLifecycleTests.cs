using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Http;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionLifecycleTests : ActorTestBase
{
    [Fact]
    public void Socket_closed_stops_the_actor_and_leaves_its_presence_channel()
    {
        var channels = NewChannels();
        var leaving = Connect(channels);
        var staying = Connect(channels);
        SubscribeOk(leaving, "presence-room", PresenceData("1"));
        SubscribeOk(leaving, "news");
        SubscribeOk(staying, "presence-room", PresenceData("2"));
        leaving.Probe.ExpectFrame("pusher_internal:member_added");

        Watch(leaving.Actor);
        leaving.Actor.Tell(SocketClosed.Instance);
        ExpectTerminated(leaving.Actor, Timeout);

        var removed = staying.Probe.ExpectFrame("pusher_internal:member_removed");
        Assert.Equal("presence-room", removed.Channel);
        Assert.True(removed.DataIsString);
        Assert.Equal("1", removed.DataJson.GetProperty("user_id").GetString());
        AwaitAssert(() =>
        {
            var room = Assert.Single(List(channels));
            Assert.Equal(new ChannelInfo("presence-room", 1, 1), room);
        }, Timeout);
    }

    [Fact]
    public void Stopping_closes_the_socket_with_4200_so_a_crashed_connection_reconnects()
    {
        var client = Connect(NewChannels());

        Watch(client.Actor);
        client.Actor.Tell(SocketClosed.Instance);
        ExpectTerminated(client.Actor, Timeout);

        client.Probe.ExpectClose(4200);
    }

    [Fact]
    public void Member_removed_is_sent_only_when_the_last_connection_of_a_user_closes()
    {
        var channels = NewChannels();
        var tab1 = Connect(channels);
        var tab2 = Connect(channels);
        var watcher = Connect(channels);
        SubscribeOk(watcher, "presence-room", PresenceData("w"));
        SubscribeOk(tab1, "presence-room", PresenceData("u"));
        Assert.Equal("u", watcher.Probe.ExpectFrame("pusher_internal:member_added").DataJson.GetProperty("user_id").GetString());
        SubscribeOk(tab2, "presence-room", PresenceData("u"));

        Watch(tab1.Actor);
        tab1.Actor.Tell(SocketClosed.Instance);
        ExpectTerminated(tab1.Actor, Timeout);
        AwaitAssert(() => Assert.Equal(2, Info(channels, "presence-room").SubscriptionCount), Timeout);
        Publish(channels, "presence-room", EventBytes("marker", "presence-room"), null);
        watcher.Probe.ExpectFrame("marker");

        tab2.Actor.Tell(SocketClosed.Instance);
        Assert.Equal("u", watcher.Probe.ExpectFrame("pusher_internal:member_removed").DataJson.GetProperty("user_id").GetString());
    }

    [Fact]
    public void Last_connection_closing_stops_the_channel_actors()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SubscribeOk(client, "a");
        SubscribeOk(client, "private-b");
        SubscribeOk(client, "presence-c", PresenceData("1"));
        Assert.Equal(3, ChannelActorCount(channels));

        client.Actor.Tell(SocketClosed.Instance);

        AwaitAssert(() => Assert.Equal(0, ChannelActorCount(channels)), Timeout);
        Assert.Empty(List(channels));
    }

    [Fact]
    public void Refused_presence_subscription_is_forgotten_by_the_connection()
    {
        var channels = NewChannels(Broadcaster.Protocol.Apps.ProtocolLimits.Default with { MaxPresenceMembers = 1 });
        var first = Connect(channels);
        var second = Connect(channels);
        SubscribeOk(first, "presence-room", PresenceData("1"));

        Send(second, SubscribeJson("presence-room", ChannelAuth(second.SocketId, "presence-room", PresenceData("2")), PresenceData("2")));
        var error = second.Probe.ExpectFrame("pusher:subscription_error");
        Assert.Equal("LimitReached", error.DataJson.GetProperty("type").GetString());

        // Once the connection processed SubscriptionRefused it is no member: client events there are refused.
        AwaitAssert(() =>
        {
            Send(second, ClientEventJson("client-x", "presence-room"));
            var reply = second.Probe.ExpectFrame("pusher:error", TimeSpan.FromMilliseconds(500));
            Assert.Equal(4009, reply.ErrorCode());
        }, Timeout);
    }
}
