using System.Collections.Concurrent;

namespace Broadcaster.Actors.Apps;

/// <summary>
/// Live connections per app: this node's exact counts plus the counts other nodes last reported (every
/// second), so the per-app quota (4004) holds for the whole cluster, give or take what connected in the
/// last second elsewhere.
/// </summary>
public sealed class AppConnectionCounter
{
    private readonly ConcurrentDictionary<string, int> _local = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, int>> _remote = new(StringComparer.Ordinal);

    /// <summary>Takes a slot unless the app already has <paramref name="max"/> connections cluster-wide (negative: no limit).</summary>
    public bool TryAcquire(string appId, int max)
    {
        var elsewhere = max >= 0 ? Remote(appId) : 0;
        while (true)
        {
            var current = _local.GetOrAdd(appId, 0);
            if (max >= 0 && current + elsewhere >= max) return false;
            if (_local.TryUpdate(appId, current + 1, current)) return true;
        }
    }

    public void Release(string appId) => _local.AddOrUpdate(appId, 0, (_, n) => Math.Max(0, n - 1));

    /// <summary>This node's connections of the app.</summary>
    public int Count(string appId) => _local.GetValueOrDefault(appId);

    /// <summary>The app's connections on the whole cluster, as last reported.</summary>
    public int ClusterCount(string appId) => Count(appId) + Remote(appId);

    public int Total => _local.Values.Sum();

    public IReadOnlyDictionary<string, int> LocalCounts() => _local.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value);

    public void SetRemote(string origin, IReadOnlyDictionary<string, int> counts) => _remote[origin] = counts;

    public void RemoveRemote(string origin) => _remote.TryRemove(origin, out _);

    private int Remote(string appId) => _remote.Values.Sum(c => c.GetValueOrDefault(appId));
}
