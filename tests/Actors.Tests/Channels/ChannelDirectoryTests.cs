using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

public sealed class ChannelDirectoryTests : ActorTestBase
{
    [Fact]
    public void Counts_are_exact_and_channels_are_listed_only_while_occupied()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        var b = NewSubscriber();
        var c = NewSubscriber();
        SubscribeRaw(channels, "news", a);
        SubscribeRaw(channels, "news", b);
        SubscribeRaw(channels, "presence-room", a, new PresenceMember("1", "{}"));
        SubscribeRaw(channels, "presence-room", b, new PresenceMember("1", "{}"));
        SubscribeRaw(channels, "presence-room", c, new PresenceMember("2", "{}"));

        // Counts are reported by the channels after each change, so they are exact once the replies were sent.
        Assert.Equal([new ChannelInfo("news", 2, 0), new ChannelInfo("presence-room", 3, 2)], List(channels));
        Assert.Equal(new ChannelInfo("presence-room", 3, 2), Info(channels, "presence-room"));
        Assert.Empty(List(channels, "other-app"));

        Tell(channels, "news", new Unsubscribe(a.SocketId));
        Tell(channels, "presence-room", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal([new ChannelInfo("news", 1, 0), new ChannelInfo("presence-room", 2, 2)], List(channels)), Timeout);

        Tell(channels, "news", new Unsubscribe(b.SocketId));
        Tell(channels, "presence-room", new Unsubscribe(c.SocketId));
        AwaitAssert(() => Assert.Equal([new ChannelInfo("presence-room", 1, 1)], List(channels)), Timeout);
        Assert.Equal(new ChannelInfo("news", 0, 0), Info(channels, "news"));
    }

    [Fact]
    public void Unknown_channel_reports_zero_counts()
    {
        var channels = NewChannels();

        Assert.Equal(new ChannelInfo("nothing", 0, 0), Info(channels, "nothing"));
        Assert.Empty(List(channels));
    }

    [Fact]
    public void Unsubscribing_an_unknown_socket_changes_nothing()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        SubscribeRaw(channels, "news", a);

        Tell(channels, "news", new Unsubscribe("1.2"));
        Publish(channels, "news", EventBytes("marker", "news"), null);

        a.Probe.ExpectFrame("marker");
        Assert.Equal(new ChannelInfo("news", 1, 0), Info(channels, "news"));
        Assert.Equal(1, ChannelActorCount(channels));
    }

    [Fact]
    public void Channel_actor_stops_after_the_last_unsubscribe()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        var b = NewSubscriber();
        SubscribeRaw(channels, "one", a);
        SubscribeRaw(channels, "two", a);
        SubscribeRaw(channels, "two", b);
        Assert.Equal(2, ChannelActorCount(channels));

        Tell(channels, "one", new Unsubscribe(a.SocketId));
        Tell(channels, "two", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal(1, ChannelActorCount(channels)), Timeout);

        Tell(channels, "two", new Unsubscribe(b.SocketId));
        AwaitAssert(() => Assert.Equal(0, ChannelActorCount(channels)), Timeout);
        Assert.Empty(List(channels));
    }

    [Fact]
    public void A_channel_whose_only_subscribe_was_refused_is_stopped()
    {
        var channels = NewChannels(ProtocolLimits.Default with { MaxPresenceMembers = 0 });
        var a = NewSubscriber();

        Subscribe(channels, "presence-full", a, new PresenceMember("1", "{}"));

        a.Probe.ExpectFrame("pusher:subscription_error");
        AwaitAssert(() => Assert.Equal(0, ChannelActorCount(channels)), Timeout);
    }

    [Fact]
    public void Subscribe_racing_the_last_unsubscribe_is_not_lost()
    {
        var channels = NewChannels();
        var current = NewSubscriber();
        SubscribeRaw(channels, "race", current);

        for (var i = 0; i < 100; i++)
        {
            var next = NewSubscriber();
            // The unsubscribe empties the channel while the subscribe is already on its way.
            Tell(channels, "race", new Unsubscribe(current.SocketId));
            Subscribe(channels, "race", next);

            next.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
            Publish(channels, "race", EventBytes("after", "race", i.ToString()), null);
            Assert.Equal(i.ToString(), next.Probe.ExpectFrame("after").Data!.Value.GetString());
            current = next;
        }
        Assert.Equal(new ChannelInfo("race", 1, 0), Info(channels, "race"));
    }

    [Fact]
    public void Resubscribing_after_the_channel_was_stopped_creates_a_fresh_channel()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        SubscribeRaw(channels, "presence-r", a, new PresenceMember("1", "{}"));
        Tell(channels, "presence-r", new Unsubscribe(a.SocketId));
        AwaitAssert(() => Assert.Equal(0, ChannelActorCount(channels)), Timeout);

        var b = NewSubscriber();
        var succeeded = SubscribeRaw(channels, "presence-r", b, new PresenceMember("2", "{}"));

        Assert.Equal(1, succeeded.DataJson.GetProperty("presence").GetProperty("count").GetInt32());
        Assert.Equal(new ChannelInfo("presence-r", 1, 1), Info(channels, "presence-r"));
    }

    [Fact]
    public void Subscribe_unsubscribe_subscribe_in_one_burst_keeps_the_last_subscriber()
    {
        var channels = NewChannels();
        var a = NewSubscriber();
        var b = NewSubscriber();

        Subscribe(channels, "burst", a);
        Tell(channels, "burst", new Unsubscribe(a.SocketId));
        Subscribe(channels, "burst", b);

        b.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Publish(channels, "burst", EventBytes("e", "burst"), null);
        b.Probe.ExpectFrame("e");
        Assert.Equal(new ChannelInfo("burst", 1, 0), Info(channels, "burst"));
        // a left before its reply may even have been written: whatever it got, it got no event.
        Assert.DoesNotContain(a.Socket.Frames, f => Frame.Parse(f).Event == "e");
    }
}
