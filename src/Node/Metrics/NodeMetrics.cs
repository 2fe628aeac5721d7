using System.Collections.Concurrent;
using Broadcaster.Actors.Monitoring;

namespace Broadcaster.Node.Metrics;

/// <summary>All of this node's counters: per-app traffic here, actor-side counters in <see cref="Actors"/>.</summary>
public sealed class NodeMetrics
{
    private readonly ConcurrentDictionary<string, AppTraffic> _apps = new(StringComparer.Ordinal);
    private long _overCapacity;

    public NodeCounters Actors { get; } = new();

    public AppTraffic For(string appId) => _apps.GetOrAdd(appId, _ => new AppTraffic());

    public IEnumerable<KeyValuePair<string, AppTraffic>> Apps => _apps;

    public long OverCapacityRefusals => Interlocked.Read(ref _overCapacity);

    public void OverCapacity() => Interlocked.Increment(ref _overCapacity);
}
