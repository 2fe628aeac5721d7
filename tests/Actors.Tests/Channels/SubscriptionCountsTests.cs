using Broadcaster.Actors.Channels;
using Broadcaster.Protocol.Channels;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Broadcaster.Actors.Tests.Channels;

/// <summary>PROTOCOL.md 2.10: cluster-wide counts, and Pusher's throttle on busy channels.</summary>
public sealed class SubscriptionCountsTests
{
    private static readonly ChannelKey News = new("app", "news");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_total_adds_up_every_origin_and_each_change_of_a_quiet_channel_is_told_at_once()
    {
        var counts = new SubscriptionCounts(_time);
        Assert.Equal((true, 1), counts.LocalChanged(News, 1));
        Assert.Equal(3, counts.RemoteChanged("b", News, 2));
        Assert.Equal(4, counts.RemoteChanged("c", News, 1));
        Assert.Null(counts.RemoteChanged("c", News, 1));
        Assert.Equal([(News, 1)], counts.LocalCounts());
        Assert.Equal([(News, 2)], counts.OriginRemoved("b").Select(s => (s.Key, s.Total)));
        Assert.Equal((true, 1), counts.LocalChanged(News, 0));
        Assert.Empty(counts.LocalCounts());
        Assert.Equal(0, counts.RemoteChanged("c", News, 0));
        Assert.Equal(0, counts.Total(News));
    }

    [Fact]
    public void A_busy_channel_is_told_at_most_every_five_seconds_and_its_last_count_is_not_lost()
    {
        var counts = new SubscriptionCounts(_time);
        Assert.Equal(100, counts.RemoteChanged("b", News, 100));
        // Over 100, within 5 s of the last count told: held back.
        Assert.Null(counts.LocalChanged(News, 1).Send);
        Assert.Null(counts.LocalChanged(News, 2).Send);
        Assert.Null(counts.LocalChanged(News, 3).Send);
        Assert.Empty(counts.Tick().Send);

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal([(News, 103)], counts.Tick().Send);
        Assert.Empty(counts.Tick().Send);
        // Back to at most 100: at once again.
        Assert.Equal(3, counts.RemoteChanged("b", News, 0));
    }

    [Fact]
    public void A_busy_local_count_is_published_once_a_tick_not_on_every_change()
    {
        var counts = new SubscriptionCounts(_time);
        for (var n = 1; n <= 100; n++) Assert.True(counts.LocalChanged(News, n).Publish);
        Assert.False(counts.LocalChanged(News, 101).Publish);
        Assert.False(counts.LocalChanged(News, 102).Publish);
        Assert.Equal([(News, 102)], counts.Tick().Publish);
        Assert.Empty(counts.Tick().Publish);
        Assert.Equal([(News, 102)], counts.LocalCounts());
    }
}
