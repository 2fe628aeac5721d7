using System.Threading.Channels;
using Broadcaster.Actors.Statistics;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Node.Statistics;

/// <summary>
/// The node's <see cref="IStatisticsStore"/>: the recorder actor hands it samples and prune requests, and one
/// background task writes them, so a slow disk never holds up an actor. What queues up while the disk is stuck beyond
/// the queue is dropped and logged.
/// </summary>
public sealed class StatisticsWriter : IStatisticsStore, IAsyncDisposable
{
    private readonly Channel<StatisticsSample?> _queue = Channel.CreateBounded<StatisticsSample?>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    private readonly StatisticsDatabase _database;
    private readonly TimeSpan _retention;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _loop;

    public StatisticsWriter(StatisticsDatabase database, TimeSpan retention, TimeProvider time, ILogger logger)
    {
        _database = database;
        _retention = retention;
        _time = time;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    public void Write(StatisticsSample sample)
    {
        if (!_queue.Writer.TryWrite(sample))
            _logger.LogWarning("Statistics of {Node} for {Interval} dropped: the database is not keeping up", sample.Node, sample.IntervalStartMs);
    }

    /// <summary>Read beside the writes (the write-ahead log lets readers and the writer work at once).</summary>
    public Task<StatisticsAnswer> QueryAsync(StatisticsQuery query) =>
        Task.Run(() => new StatisticsAnswer(_database.Query(query.AppId, query.FromMs, query.ToMs, query.BucketMs)));

    /// <summary>Queued as a null, behind the samples.</summary>
    public void Prune() => _queue.Writer.TryWrite(null);

    private async Task RunAsync()
    {
        var batch = new List<StatisticsSample>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            var prune = false;
            while (_queue.Reader.TryRead(out var item))
            {
                if (item is null) prune = true;
                else batch.Add(item);
            }
            try
            {
                if (batch.Count > 0) _database.Insert(batch);
                if (prune)
                {
                    var removed = _database.Clean((_time.GetUtcNow() - _retention).ToUnixTimeMilliseconds());
                    if (removed > 0) _logger.LogInformation("Statistics: removed {Count} entries older than {Retention}", removed, _retention);
                }
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Statistics: writing {Count} samples to {Path} failed", batch.Count, _database.Path);
            }
            batch.Clear();
        }
    }

    /// <summary>Writes what is queued, for at most a few seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
