using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Support;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>
/// Subscribes and unsubscribes racing with a stream of events. Whatever the interleaving, each socket sees its
/// subscription reply first, then a gap-free run of the events in the order they were published: no event reaches
/// it before its reply, none is skipped or reordered while it is subscribed, and once the directory no longer counts
/// the socket, nothing more reaches it.
/// </summary>
public sealed class ChannelRaceTests : ActorTestBase
{
    private const string Channel = "race";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Subscribes_and_unsubscribes_racing_with_events_see_a_reply_then_a_gap_free_run(int seed)
    {
        const int events = 400;
        var random = new Random(seed);
        var channels = NewChannels();
        var live = new List<Subscriber>();
        var gone = new List<Subscriber>();
        live.Add(NewSubscriber());
        SubscribeRaw(channels, Channel, live[0]);

        for (var i = 0; i < events; i++)
        {
            Publish(channels, Channel, EventBytes("e", Channel, i.ToString()), null);
            switch (random.Next(10))
            {
                case 0 or 1:
                    var s = NewSubscriber();
                    Subscribe(channels, Channel, s);
                    live.Add(s);
                    break;
                case 2 when live.Count > 1:
                    var leaving = live[random.Next(live.Count)];
                    Tell(channels, Channel, new Unsubscribe(leaving.SocketId));
                    live.Remove(leaving);
                    gone.Add(leaving);
                    break;
            }
        }
        // The channel actor handles commands in order: once a last subscriber has its reply, every earlier subscribe
        // and unsubscribe has been applied to the array the directory fans out to.
        var barrier = NewSubscriber();
        SubscribeRaw(channels, Channel, barrier);
        Assert.Equal(live.Count + 1, Info(channels, Channel).SubscriptionCount);
        Publish(channels, Channel, EventBytes("marker", Channel), null);
        foreach (var s in live) s.Probe.FishForMessage(m => m is SentFrame f && f.Parse().Event == "marker", Timeout);

        foreach (var s in live)
        {
            var run = Run(s);
            // Subscribed to the end: every event the directory took after its reply, up to the last one.
            Assert.True(run.Count == 0 || run[^1] == events - 1, $"{s.SocketId} stopped at {run.LastOrDefault()}");
        }
        // Every unsubscribe was handled before the marker: it reached none of the sockets that left.
        foreach (var s in gone) Run(s);
        Assert.All(gone, s => Assert.DoesNotContain(s.Socket.Frames, f => Frame.Parse(f).Event == "marker"));
    }

    [Fact]
    public void An_event_published_after_the_reply_was_seen_always_arrives_and_after_the_unsubscribe_was_counted_never()
    {
        var channels = NewChannels();
        for (var round = 0; round < 50; round++)
        {
            var s = NewSubscriber();
            SubscribeRaw(channels, Channel, s);
            Publish(channels, Channel, EventBytes("after-reply", Channel, round.ToString()), null);
            Assert.Equal(round.ToString(), s.Probe.ExpectFrame("after-reply").Data!.Value.GetString());

            Tell(channels, Channel, new Unsubscribe(s.SocketId));
            AwaitAssert(() => Assert.Equal(0, Info(channels, Channel).SubscriptionCount), Timeout);
            Publish(channels, Channel, EventBytes("after-unsubscribe", Channel), null);
            var watcher = NewSubscriber();
            SubscribeRaw(channels, Channel, watcher);
            Publish(channels, Channel, EventBytes("marker", Channel), null);
            watcher.Probe.ExpectFrame("marker");
            Assert.DoesNotContain(s.Socket.Frames, f => Frame.Parse(f).Event is "after-unsubscribe" or "marker");
            Tell(channels, Channel, new Unsubscribe(watcher.SocketId));
        }
    }

    /// <summary>The socket's frames: the reply first, then events whose numbers follow each other without a gap.</summary>
    private static List<int> Run(Subscriber s)
    {
        var frames = s.Socket.Frames.Select(f => Frame.Parse(f)).Where(f => f.Event != "marker").ToList();
        Assert.True(frames.Count > 0 && frames[0].Event == "pusher_internal:subscription_succeeded",
            $"{s.SocketId}: the first frame is {frames.FirstOrDefault()?.Raw ?? "missing"}, not the reply");
        Assert.DoesNotContain(frames.Skip(1), f => f.Event == "pusher_internal:subscription_succeeded");
        var numbers = frames.Skip(1).Select(f => int.Parse(f.Data!.Value.GetString()!)).ToList();
        for (var i = 1; i < numbers.Count; i++)
            Assert.True(numbers[i] == numbers[i - 1] + 1, $"{s.SocketId}: {numbers[i - 1]} then {numbers[i]}");
        return numbers;
    }
}
