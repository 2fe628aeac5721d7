using Broadcaster.Actors.Wire;
using Broadcaster.Node.Cluster;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// The statistics graphs' data: one app's rows over the last hours in at most <see cref="MaxBuckets"/> buckets, as
/// cluster totals and per node. Every node is asked for what its own database holds (the writer may have changed
/// after a crash, and nodes on different hosts each keep their own file); where two databases hold the same bucket of
/// the same node (a shared file, or rows written again by a new writer), the one that sums more intervals counts. A
/// bucket's peak is the sum over nodes of each node's highest interval peak in it.
/// </summary>
public sealed class DashboardStatistics(BroadcasterOptions options, NodeActors actors, ScatterGather scatter, TimeProvider time)
{
    public const int MaxBuckets = 360;
    public const int MaxHours = 24 * 60;

    public async Task<object> ReadAsync(string appId, int hours)
    {
        var to = time.GetUtcNow().ToUnixTimeMilliseconds();
        var from = to - hours * 3_600_000L;
        var interval = (long)options.Statistics.Interval.TotalMilliseconds;
        var buckets = (to - from) / interval;
        var bucket = buckets <= MaxBuckets ? interval : (buckets + MaxBuckets - 1) / MaxBuckets * interval;
        var gathered = await scatter.AskEveryNodeAsync<StatisticsAnswer>("statistics", actors.Refs.Statistics,
            new StatisticsQuery(appId, from / bucket * bucket, to, bucket));
        var merged = new Dictionary<(long, string), StatisticsBucket>();
        foreach (var (_, answer) in gathered.Answers)
        {
            foreach (var b in answer.Buckets)
            {
                if (!merged.TryGetValue((b.TimeMs, b.Node), out var seen) || b.Intervals > seen.Intervals) merged[(b.TimeMs, b.Node)] = b;
            }
        }
        var rows = merged.Values.OrderBy(b => b.TimeMs).ThenBy(b => b.Node, StringComparer.Ordinal).ToList();
        return new
        {
            app = appId,
            enabled = options.Statistics.Enabled,
            interval_ms = interval,
            bucket_ms = bucket,
            from,
            to,
            points = rows.GroupBy(r => r.TimeMs).Select(g => Point(g.Key, g.ToList())).ToList(),
            nodes = rows.GroupBy(r => r.Node).ToDictionary(g => g.Key, g => g.Select(r => Point(r.TimeMs, [r])).ToList()),
            missing = gathered.Missing,
        };
    }

    private static object Point(long t, IReadOnlyList<StatisticsBucket> rows) => new
    {
        t,
        peak_connections = rows.Sum(r => r.PeakConnections),
        websocket_messages_in = rows.Sum(r => r.WebSocketMessagesIn),
        websocket_messages_out = rows.Sum(r => r.WebSocketMessagesOut),
        api_messages = rows.Sum(r => r.ApiMessages),
    };
}
