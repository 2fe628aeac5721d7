using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

public sealed class ChannelRegistryTests : ActorTestBase
{
    private ChannelInfo Info(Akka.Actor.IActorRef registry, string channel) => AskRegistry<ChannelInfo>(registry, new GetChannel(AppId, channel));

    private IReadOnlyList<ChannelInfo> List(Akka.Actor.IActorRef registry, string appId = AppId) =>
        AskRegistry<ChannelList>(registry, new GetChannels(appId)).Channels;

    [Fact]
    public void Counts_are_exact_and_channels_are_listed_only_while_occupied()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        var b = NewSubscriber();
        var c = NewSubscriber();
        SubscribeRaw(registry, "news", a);
        SubscribeRaw(registry, "news", b);
        SubscribeRaw(registry, "presence-room", a, new PresenceMember("1", "{}"));
        SubscribeRaw(registry, "presence-room", b, new PresenceMember("1", "{}"));
        SubscribeRaw(registry, "presence-room", c, new PresenceMember("2", "{}"));

        // Counts are reported by the channels after each change, so they are exact once the replies were sent.
        Assert.Equal([new ChannelInfo("news", 2, 0), new ChannelInfo("presence-room", 3, 2)], List(registry));
        Assert.Equal(new ChannelInfo("presence-room", 3, 2), Info(registry, "presence-room"));
        Assert.Empty(List(registry, "other-app"));

        Tell(registry, "news", new Unsubscribe(a.SocketId));
        Tell(registry, "presence-room", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal([new ChannelInfo("news", 1, 0), new ChannelInfo("presence-room", 2, 2)], List(registry)), Timeout);

        Tell(registry, "news", new Unsubscribe(b.SocketId));
        Tell(registry, "presence-room", new Unsubscribe(c.SocketId));
        AwaitAssert(() => Assert.Equal([new ChannelInfo("presence-room", 1, 1)], List(registry)), Timeout);
        Assert.Equal(new ChannelInfo("news", 0, 0), Info(registry, "news"));
    }

    [Fact]
    public void Unknown_channel_reports_zero_counts()
    {
        var registry = NewRegistry();

        Assert.Equal(new ChannelInfo("nothing", 0, 0), Info(registry, "nothing"));
        Assert.Empty(List(registry));
    }

    [Fact]
    public void Unsubscribing_an_unknown_socket_changes_nothing()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        SubscribeRaw(registry, "news", a);

        Tell(registry, "news", new Unsubscribe("1.2"));
        Publish(registry, "news", EventBytes("marker", "news"), null);

        a.Probe.ExpectFrame("marker");
        Assert.Equal(new ChannelInfo("news", 1, 0), Info(registry, "news"));
        Assert.Equal(1, AskRegistry<int>(registry, GetChannelActorCount.Instance));
    }

    [Fact]
    public void Channel_actor_stops_after_the_last_unsubscribe()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        var b = NewSubscriber();
        SubscribeRaw(registry, "one", a);
        SubscribeRaw(registry, "two", a);
        SubscribeRaw(registry, "two", b);
        Assert.Equal(2, AskRegistry<int>(registry, GetChannelActorCount.Instance));

        Tell(registry, "one", new Unsubscribe(a.SocketId));
        Tell(registry, "two", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal(1, AskRegistry<int>(registry, GetChannelActorCount.Instance)), Timeout);

        Tell(registry, "two", new Unsubscribe(b.SocketId));
        AwaitAssert(() => Assert.Equal(0, AskRegistry<int>(registry, GetChannelActorCount.Instance)), Timeout);
        Assert.Empty(List(registry));
    }

    [Fact]
    public void A_channel_whose_only_subscribe_was_refused_is_stopped()
    {
        var registry = NewRegistry(ProtocolLimits.Default with { MaxPresenceMembers = 0 });
        var a = NewSubscriber();

        Subscribe(registry, "presence-full", a, new PresenceMember("1", "{}"));

        a.Probe.ExpectFrame("pusher:subscription_error");
        AwaitAssert(() => Assert.Equal(0, AskRegistry<int>(registry, GetChannelActorCount.Instance)), Timeout);
    }

    [Fact]
    public void Subscribe_racing_the_last_unsubscribe_is_not_lost()
    {
        var registry = NewRegistry();
        var current = NewSubscriber();
        SubscribeRaw(registry, "race", current);

        for (var i = 0; i < 100; i++)
        {
            var next = NewSubscriber();
            // The unsubscribe empties the channel while the subscribe is already on its way.
            Tell(registry, "race", new Unsubscribe(current.SocketId));
            Subscribe(registry, "race", next);

            next.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
            Publish(registry, "race", EventBytes("after", "race", i.ToString()), null);
            Assert.Equal(i.ToString(), next.Probe.ExpectFrame("after").Data!.Value.GetString());
            current = next;
        }
        Assert.Equal(new ChannelInfo("race", 1, 0), Info(registry, "race"));
    }

    [Fact]
    public void Resubscribing_after_the_channel_was_stopped_creates_a_fresh_channel()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        SubscribeRaw(registry, "presence-r", a, new PresenceMember("1", "{}"));
        Tell(registry, "presence-r", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal(0, AskRegistry<int>(registry, GetChannelActorCount.Instance)), Timeout);

        var b = NewSubscriber();
        var succeeded = SubscribeRaw(registry, "presence-r", b, new PresenceMember("2", "{}"));

        Assert.Equal(1, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal(new ChannelInfo("presence-r", 1, 1), Info(registry, "presence-r"));
    }

    [Fact]
    public void Subscribe_unsubscribe_subscribe_in_one_burst_keeps_the_last_subscriber()
    {
        var registry = NewRegistry();
        var a = NewSubscriber();
        var b = NewSubscriber();

        Subscribe(registry, "burst", a);
        Tell(registry, "burst", new Unsubscribe(a.SocketId));
        Subscribe(registry, "burst", b);

        b.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Publish(registry, "burst", EventBytes("e", "burst"), null);
        b.Probe.ExpectFrame("e");
        Assert.Equal(new ChannelInfo("burst", 1, 0), Info(registry, "burst"));
        // a left before its reply may even have been written: whatever it got, it got no event.
        Assert.DoesNotContain(a.Socket.Frames, f => Frame.Parse(f).Event == "e");
    }
}
