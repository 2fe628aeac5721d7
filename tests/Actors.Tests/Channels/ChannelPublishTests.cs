using Akka.Actor;
using System.Runtime.InteropServices;
using Broadcaster.Actors.Wire;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

public sealed class ChannelPublishTests : ActorTestBase
{
    private const string Channel = "private-news";

    private static byte[] ArrayOf(ReadOnlyMemory<byte> memory)
    {
        Assert.True(MemoryMarshal.TryGetArray(memory, out var segment));
        return segment.Array!;
    }

    [Fact]
    public void Publish_delivers_the_same_bytes_instance_to_every_subscriber_but_the_excluded_one()
    {
        var channels = NewChannels();
        var subscribers = Enumerable.Range(0, 4).Select(_ => NewSubscriber()).ToArray();
        foreach (var s in subscribers) SubscribeRaw(channels, Channel, s);
        var bytes = EventBytes("order-shipped", Channel, """{"id":42}""");

        Publish(channels, Channel, bytes, subscribers[1].SocketId);

        foreach (var s in subscribers.Where((_, i) => i != 1))
        {
            var sent = s.Probe.ExpectSent();
            Assert.Same(bytes, ArrayOf(sent.Bytes));
            Assert.True(sent.Bytes.Span.SequenceEqual(bytes));
        }
        Publish(channels, Channel, EventBytes("marker", Channel), null);
        subscribers[1].Probe.ExpectFrame("marker");
    }

    /// <summary>
    /// Events published while a subscribe is in flight never overtake its subscription_succeeded; the ones the new
    /// subscriber gets are a gap-free, in-order suffix of what was published (the channels only fans out to sockets
    /// whose reply the channel actor already queued, so the first few may be missed).
    /// </summary>
    [Fact]
    public void Subscription_succeeded_is_never_overtaken_by_events_published_right_after_the_subscribe()
    {
        const int count = 300;
        var channels = NewChannels();
        var s = NewSubscriber();

        Subscribe(channels, Channel, s);
        for (var i = 0; i < count; i++) Publish(channels, Channel, EventBytes("e", Channel, i.ToString()), null);

        s.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Publish(channels, Channel, EventBytes("marker", Channel), null);
        var numbers = ReceiveUntilMarker(s).Select(f => int.Parse(f.Data!.Value.GetString()!)).ToList();
        Assert.Equal(Enumerable.Range(count - numbers.Count, numbers.Count), numbers);
    }

    private static List<Frame> ReceiveUntilMarker(Subscriber s)
    {
        var frames = new List<Frame>();
        for (Frame f; (f = s.Probe.ExpectSent().Parse()).Event != "marker";) frames.Add(f);
        return frames;
    }

    [Fact]
    public void Client_publish_from_a_non_subscriber_delivers_nothing()
    {
        var channels = NewChannels();
        var member = NewSubscriber();
        var other = NewSubscriber();
        SubscribeRaw(channels, Channel, member);
        SubscribeRaw(channels, Channel, other);

        Tell(channels, Channel, new ClientPublish(EventBytes("client-sneaky", Channel), "999.999"));
        // A subscriber's client event takes the same path right after: it arrives first only if the sneaky one went nowhere.
        Tell(channels, Channel, new ClientPublish(EventBytes("client-marker", Channel), other.SocketId));

        member.Probe.ExpectFrame("client-marker");
    }

    [Fact]
    public void Client_publish_from_a_subscriber_reaches_the_others_with_the_same_bytes_and_not_the_sender()
    {
        var channels = NewChannels();
        var sender = NewSubscriber();
        var a = NewSubscriber();
        var b = NewSubscriber();
        foreach (var s in new[] { sender, a, b }) SubscribeRaw(channels, Channel, s);
        var bytes = EventBytes("client-typing", Channel);

        Tell(channels, Channel, new ClientPublish(bytes, sender.SocketId));

        Assert.Same(bytes, ArrayOf(a.Probe.ExpectSent().Bytes));
        Assert.Same(bytes, ArrayOf(b.Probe.ExpectSent().Bytes));
        // Published after the client event was delivered: the sender's next frame shows it got nothing before.
        Publish(channels, Channel, EventBytes("marker", Channel), null);
        sender.Probe.ExpectFrame("marker");
    }

    [Fact]
    public void Many_publishes_arrive_in_order_at_every_subscriber()
    {
        const int count = 2000;
        var channels = NewChannels();
        var a = NewSubscriber();
        var b = NewSubscriber();
        SubscribeRaw(channels, Channel, a);
        SubscribeRaw(channels, Channel, b);

        for (var i = 0; i < count; i++) Publish(channels, Channel, EventBytes("e", Channel, i.ToString()), null);
        Publish(channels, Channel, EventBytes("marker", Channel), null);

        foreach (var s in new[] { a, b })
        {
            var numbers = ReceiveUntilMarker(s).Select(f => int.Parse(f.Data!.Value.GetString()!)).ToList();
            Assert.Equal(Enumerable.Range(0, count), numbers);
        }
    }

    [Fact]
    public void A_full_subscriber_queue_closes_that_socket_only()
    {
        var channels = NewChannels();
        var slow = NewSubscriber(capacity: 3);
        var fast = NewSubscriber();
        SubscribeRaw(channels, Channel, slow);
        SubscribeRaw(channels, Channel, fast);

        for (var i = 0; i < 10; i++) Publish(channels, Channel, EventBytes("e", Channel, i.ToString()), null);
        Publish(channels, Channel, EventBytes("marker", Channel), null);

        for (var i = 0; i < 10; i++) Assert.Equal(i.ToString(), fast.Probe.ExpectFrame("e").Data!.Value.GetString());
        fast.Probe.ExpectFrame("marker");
        slow.Probe.ExpectFrame("e");
        slow.Probe.ExpectFrame("e");
        slow.Probe.ExpectClose(4100);
        Assert.Equal(3, slow.Socket.Frames.Count);
        Assert.Equal(9, slow.Socket.RefusedCount);
    }

    [Fact]
    public void Publish_to_a_channel_without_subscribers_is_dropped()
    {
        var channels = NewChannels();

        Publish(channels, "nobody-here", EventBytes("e", "nobody-here"), null);
        Tell(channels, "nobody-here", new ClientPublish(EventBytes("client-e", "nobody-here"), "1.1"));
        Tell(channels, "nobody-here", new Unsubscribe("1.1"));

        Assert.Equal(0, ChannelActorCount(channels));
    }

    [Fact]
    public void Channels_of_different_apps_are_separate()
    {
        var channels = NewChannels();
        var mine = NewSubscriber();
        var theirs = NewSubscriber();
        SubscribeRaw(channels, Channel, mine);
        channels.Directory.Tell(new ChannelEnvelope("other-app", Channel, new Subscribe(theirs.Socket, theirs.Connection.Ref, null)));
        theirs.Probe.ExpectFrame("pusher_internal:subscription_succeeded");

        Publish(channels, Channel, EventBytes("mine-only", Channel), null);
        channels.Directory.Tell(new ChannelEvent("other-app", Channel, EventBytes("theirs-only", Channel), null));

        mine.Probe.ExpectFrame("mine-only");
        theirs.Probe.ExpectFrame("theirs-only");
    }
}
