using System.Threading.Channels;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// The cluster-wide live log of the dashboards. Off until some node has a dashboard open: that node publishes a watch
/// every few seconds, and every node that hears one collects its entries for <see cref="WatchFor"/>. While on, a node
/// sends at most <see cref="BatchSize"/> entries per <see cref="FlushEvery"/> and counts the rest as sampled out, so
/// the log stays a small, bounded load beside delivery under any traffic; entries are taken with a non-blocking
/// write into a bounded queue and never wait for a reader. With nothing watched, an entry is one volatile read
/// (<see cref="Enabled"/>) and no task runs.
/// </summary>
public sealed class LiveLog : IActivityLog, IAsyncDisposable
{
    public static readonly TimeSpan WatchFor = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan AnnounceEvery = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);
    public const int BatchSize = 100;

    private readonly Channel<ActivityEntry> _pending = Channel.CreateBounded<ActivityEntry>(
        new BoundedChannelOptions(BatchSize * 4) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly List<Channel<LiveLogBatch>> _viewers = [];
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private long _watchedUntil;
    private int _dropped;
    private int _running;
    /// <summary>Timestamp of the last watch published; 0 (long ago) until the first.</summary>
    private long _lastAnnounce;

    public LiveLog(TimeProvider time) => _time = time;

    /// <summary>Set once the node's actors run: publishes to the other nodes, and names this node in its batches.</summary>
    public Action<IWireMessage>? Publish { get; set; }
    public string Node { get; set; } = "";

    public bool Enabled => _time.GetTimestamp() < Volatile.Read(ref _watchedUntil);

    public void Write(ActivityEntry entry)
    {
        if (!_pending.Writer.TryWrite(entry)) Interlocked.Increment(ref _dropped);
    }

    /// <summary>A dashboard somewhere wants this node's entries for a while.</summary>
    public void Watched()
    {
        Volatile.Write(ref _watchedUntil, _time.GetTimestamp() + (long)(WatchFor.TotalSeconds * _time.TimestampFrequency));
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) _ = Task.Run(FlushLoopAsync);
    }

    /// <summary>A batch from any node, this one's included: to every dashboard open on this node, dropped for one that lags.</summary>
    public void Received(LiveLogBatch batch)
    {
        lock (_viewers)
        {
            foreach (var viewer in _viewers) viewer.Writer.TryWrite(batch);
        }
    }

    /// <summary>A dashboard opened on this node: its batches until it disposes the subscription.</summary>
    public (ChannelReader<LiveLogBatch> Batches, IDisposable Subscription) Subscribe()
    {
        var viewer = Channel.CreateBounded<LiveLogBatch>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_viewers) _viewers.Add(viewer);
        Announce(force: true);
        return (viewer.Reader, new Unsubscriber(this, viewer));
    }

    private bool HasViewers
    {
        get
        {
            lock (_viewers) return _viewers.Count > 0;
        }
    }

    private void Announce(bool force)
    {
        var now = _time.GetTimestamp();
        if (!force && _time.GetElapsedTime(Interlocked.Read(ref _lastAnnounce), now) < AnnounceEvery) return;
        Interlocked.Exchange(ref _lastAnnounce, now);
        Watched();
        Publish?.Invoke(new DashboardWatch(Node));
    }

    /// <summary>Runs while the log is watched or entries wait, then ends; the next watch starts it again.</summary>
    private async Task FlushLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(FlushEvery, _time, _stop.Token);
                if (HasViewers) Announce(force: false);
                Flush();
                if (!Enabled && !HasViewers && !_pending.Reader.TryPeek(out _))
                {
                    Interlocked.Exchange(ref _running, 0);
                    // A watch that came in between saw the loop running and started none: take the loop back then.
                    if (!Enabled || Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Flush()
    {
        var entries = new List<ActivityEntry>();
        while (entries.Count < BatchSize && _pending.Reader.TryRead(out var entry)) entries.Add(entry);
        var dropped = 0;
        while (_pending.Reader.TryRead(out _)) dropped++;
        dropped += Interlocked.Exchange(ref _dropped, 0);
        if (entries.Count == 0 && dropped == 0) return;
        var batch = new LiveLogBatch(Node, entries, dropped);
        Received(batch);
        Publish?.Invoke(batch);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
    }

    private sealed class Unsubscriber(LiveLog log, Channel<LiveLogBatch> viewer) : IDisposable
    {
        public void Dispose()
        {
            lock (log._viewers) log._viewers.Remove(viewer);
            viewer.Writer.TryComplete();
        }
    }
}
