using System.Collections.Concurrent;

namespace Broadcaster.Actors.Apps;

/// <summary>
/// Live connections per app: this node's exact counts plus the counts other nodes last reported (every
/// second), so the per-app quota (4004) holds for the whole cluster, give or take what connected in the
/// last second elsewhere.
/// </summary>
public sealed class AppConnectionCounter
{
    private readonly ConcurrentDictionary<string, SlotCounter> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, int>> _remote = new(StringComparer.Ordinal);

    /// <summary>Takes a slot unless the app already has <paramref name="max"/> connections cluster-wide (negative: no limit).</summary>
    public bool TryAcquire(string appId, int max) =>
        Slots(appId).TryTake(max >= 0 ? max - Remote(appId) : int.MaxValue);

    public void Release(string appId) => Slots(appId).Release();

    /// <summary>This node's connections of the app.</summary>
    public int Count(string appId) => _local.TryGetValue(appId, out var slots) ? slots.Taken : 0;

    /// <summary>The app's connections on the whole cluster, as last reported.</summary>
    public int ClusterCount(string appId) => Count(appId) + Remote(appId);

    public int Total => _local.Values.Sum(s => s.Taken);

    public IReadOnlyDictionary<string, int> LocalCounts() =>
        _local.Where(p => p.Value.Taken > 0).ToDictionary(p => p.Key, p => p.Value.Taken, StringComparer.Ordinal);

    public void SetRemote(string origin, IReadOnlyDictionary<string, int> counts) => _remote[origin] = counts;

    public void RemoveRemote(string origin) => _remote.TryRemove(origin, out _);

    private SlotCounter Slots(string appId) => _local.GetOrAdd(appId, _ => new SlotCounter());

    private int Remote(string appId) => _remote.Values.Sum(c => c.GetValueOrDefault(appId));
}
