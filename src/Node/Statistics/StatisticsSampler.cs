using Broadcaster.Actors.Wire;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.Statistics;

/// <summary>
/// Takes this node's sample at every multiple of the interval on the wall clock (so every node's samples share their
/// interval start) and publishes it to the cluster's recorders. Wakes once per interval and does nothing else.
/// </summary>
public sealed class StatisticsSampler : IAsyncDisposable
{
    private readonly NodeMetrics _metrics;
    private readonly NodeActors _actors;
    private readonly IReadOnlyList<string> _apps;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, (long In, long Out, long Api)> _last = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private readonly string _node;

    /// <param name="node">The node's name in the rows (<see cref="StatisticsHosting.NodeNameOf"/>).</param>
    public StatisticsSampler(NodeMetrics metrics, NodeActors actors, string node, IReadOnlyList<string> apps, TimeSpan interval, TimeProvider time)
    {
        _node = node;
        _metrics = metrics;
        _actors = actors;
        _apps = apps;
        _interval = interval;
        _time = time;
        foreach (var app in apps) _last[app] = Totals(metrics.For(app));
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        var intervalMs = (long)_interval.TotalMilliseconds;
        while (!_stop.IsCancellationRequested)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var end = (now / intervalMs + 1) * intervalMs;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(end - now), _time, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var sample = Take(_node, end - intervalMs, intervalMs);
            if (sample.Rows.Count > 0) _actors.Refs.Publish(sample);
        }
    }

    /// <summary>Each app's figures since the last sample; apps with no connection and no message are left out.</summary>
    private StatisticsSample Take(string node, long intervalStartMs, long intervalMs)
    {
        var rows = new List<StatisticsRow>();
        foreach (var app in _apps)
        {
            var traffic = _metrics.For(app);
            var peak = traffic.TakePeak();
            var now = Totals(traffic);
            var last = _last[app];
            _last[app] = now;
            var row = new StatisticsRow(app, peak, now.In - last.In, now.Out - last.Out, now.Api - last.Api);
            if (row is { PeakConnections: 0, WebSocketMessagesIn: 0, WebSocketMessagesOut: 0, ApiMessages: 0 }) continue;
            rows.Add(row);
        }
        return new StatisticsSample(node, intervalStartMs, intervalMs, rows);
    }

    private static (long In, long Out, long Api) Totals(AppTraffic traffic) =>
        (traffic.WsMessagesReceived, traffic.WsMessagesSent, traffic.ApiMessages);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
