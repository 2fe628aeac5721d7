using Broadcaster.Node.Configuration;
using Broadcaster.Node.Statistics;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// The statistics graphs' data: one app's rows over the last hours, from this node's statistics database, in at most
/// <see cref="MaxBuckets"/> buckets, as cluster totals and per node. A bucket's peak is the sum of each node's highest
/// interval peak in it.
/// </summary>
public sealed class DashboardStatistics(BroadcasterOptions options, TimeProvider time)
{
    public const int MaxBuckets = 720;
    public const int MaxHours = 24 * 60;

    private readonly StatisticsDatabase _database = new(options.Statistics.Database);

    public object Read(string appId, int hours)
    {
        var to = time.GetUtcNow().ToUnixTimeMilliseconds();
        var from = to - hours * 3_600_000L;
        var interval = (long)options.Statistics.Interval.TotalMilliseconds;
        if (!options.Statistics.Enabled) return new { app = appId, enabled = false, interval_ms = interval, bucket_ms = interval, from, to, points = Array.Empty<object>() };
        var written = _database.IntervalMs(appId);
        if (written > interval) interval = written;
        var buckets = (to - from) / interval;
        var bucket = buckets <= MaxBuckets ? interval : (buckets + MaxBuckets - 1) / MaxBuckets * interval;
        var rows = _database.Query(appId, from, to, bucket);
        var points = rows.GroupBy(r => r.TimeMs).Select(g => Point(g.Key, g.ToList())).ToList();
        var nodes = rows.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Select(r => Point(r.TimeMs, [r])).ToList());
        return new { app = appId, enabled = true, interval_ms = interval, bucket_ms = bucket, from, to, points, nodes };
    }

    private static object Point(long t, IReadOnlyList<StatisticsPoint> rows) => new
    {
        t,
        peak_connections = rows.Sum(r => r.PeakConnections),
        websocket_messages_in = rows.Sum(r => r.WebSocketMessagesIn),
        websocket_messages_out = rows.Sum(r => r.WebSocketMessagesOut),
        api_messages = rows.Sum(r => r.ApiMessages),
    };
}
