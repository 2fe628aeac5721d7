using System.Collections.Concurrent;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace Broadcaster.Node.Tests.Dashboard;

/// <summary>The live log's costs and bounds, on a fake clock: off unless watched, sampled under load, a watch announced to the cluster.</summary>
public sealed class LiveLogTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<IWireMessage> _published = new();
    private readonly LiveLog _log;

    public LiveLogTests()
    {
        _log = new LiveLog(_time) { Node = "n1" };
        _log.Publish = _published.Enqueue;
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();

    private static ActivityEntry Entry(int i) => new(i, "app", "client_event", "1.1", "c", "client-e", $"entry {i}");

    /// <summary>Moves the clock a flush at a time until the reader has a batch (the flush loop starts on another thread).</summary>
    private async Task<LiveLogBatch> NextBatchAsync(System.Threading.Channels.ChannelReader<LiveLogBatch> reader)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (reader.TryRead(out var batch)) return batch;
            _time.Advance(LiveLog.FlushEvery);
            await Task.Delay(10);
        }
        throw new TimeoutException("no batch");
    }

    [Fact]
    public void Nothing_is_wanted_until_a_dashboard_watches_and_the_watch_wears_off()
    {
        Assert.False(_log.Enabled);
        _log.Watched();
        Assert.True(_log.Enabled);
        _time.Advance(LiveLog.WatchFor + TimeSpan.FromSeconds(1));
        Assert.False(_log.Enabled);
    }

    [Fact]
    public async Task A_dashboard_opening_announces_a_watch_and_gets_batches_of_this_node()
    {
        var (reader, subscription) = _log.Subscribe();
        using var _ = subscription;
        Assert.True(_log.Enabled);
        Assert.Contains(_published, m => m is DashboardWatch { Node: "n1" });

        _log.Write(Entry(1));
        _log.Write(Entry(2));
        var batch = await NextBatchAsync(reader);

        Assert.Equal(("n1", 0), (batch.Node, batch.Dropped));
        Assert.Equal([1L, 2L], batch.Entries.Select(e => e.TimeMs));
        Assert.Contains(_published, m => m is LiveLogBatch { Entries.Count: 2 });
    }

    [Fact]
    public async Task Under_load_a_batch_carries_at_most_its_size_and_counts_the_rest()
    {
        var (reader, subscription) = _log.Subscribe();
        using var _ = subscription;
        for (var i = 0; i < 1000; i++) _log.Write(Entry(i));

        var batch = await NextBatchAsync(reader);

        Assert.Equal(LiveLog.BatchSize, batch.Entries.Count);
        Assert.Equal(1000 - LiveLog.BatchSize, batch.Dropped);
        Assert.Equal(Enumerable.Range(0, LiveLog.BatchSize).Select(i => (long)i), batch.Entries.Select(e => e.TimeMs));
    }

    [Fact]
    public async Task Other_nodes_batches_reach_every_open_dashboard_until_it_closes()
    {
        var (first, one) = _log.Subscribe();
        var (second, two) = _log.Subscribe();
        var remote = new LiveLogBatch("n2", [Entry(7)], 0);

        _log.Received(remote);
        Assert.True(first.TryRead(out var a));
        Assert.True(second.TryRead(out var b));
        Assert.Same(remote, a);
        Assert.Same(remote, b);

        two.Dispose();
        _log.Received(remote);
        Assert.True(first.TryRead(out _));
        Assert.False(second.TryRead(out _));
        Assert.True(second.Completion.IsCompleted);
        one.Dispose();
        await Task.CompletedTask;
    }
}
