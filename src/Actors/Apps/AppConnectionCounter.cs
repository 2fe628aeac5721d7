using System.Collections.Concurrent;

namespace Broadcaster.Actors.Apps;

/// <summary>Live connections per app on this node, for the per-app connection quota (4004).</summary>
public sealed class AppConnectionCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Takes a slot unless the app already has <paramref name="max"/> connections (a negative max means no limit).</summary>
    public bool TryAcquire(string appId, int max)
    {
        while (true)
        {
            var current = _counts.GetOrAdd(appId, 0);
            if (max >= 0 && current >= max) return false;
            if (_counts.TryUpdate(appId, current + 1, current)) return true;
        }
    }

    public void Release(string appId) => _counts.AddOrUpdate(appId, 0, (_, n) => Math.Max(0, n - 1));

    public int Count(string appId) => _counts.TryGetValue(appId, out var n) ? n : 0;

    public int Total => _counts.Values.Sum();
}
