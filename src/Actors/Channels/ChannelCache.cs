using Broadcaster.Protocol.Channels;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The last event triggered through the HTTP API on each cache channel (PROTOCOL.md 2.8), as the frame bytes every
/// subscriber received, kept for a TTL whether or not the channel has subscribers. Every node keeps the whole cluster's
/// (each node receives every event), so a cached event outlives the node it was triggered on. Pure logic: the
/// <see cref="ChannelDirectory"/> owns one.
/// </summary>
public sealed class ChannelCache(TimeSpan ttl, TimeProvider time)
{
    private readonly Dictionary<ChannelKey, (ReadOnlyMemory<byte> Frame, DateTimeOffset Expires)> _entries = new();

    public int Count => _entries.Count;

    public void Store(ChannelKey key, ReadOnlyMemory<byte> frame) => _entries[key] = (frame, time.GetUtcNow() + ttl);

    /// <summary>An entry from another node's snapshot, with the time it has left: kept unless ours lives longer (is newer).</summary>
    public void Merge(ChannelKey key, ReadOnlyMemory<byte> frame, TimeSpan left)
    {
        var expires = time.GetUtcNow() + left;
        if (left <= TimeSpan.Zero || (_entries.TryGetValue(key, out var ours) && ours.Expires >= expires)) return;
        _entries[key] = (frame, expires);
    }

    public bool TryGet(ChannelKey key, out ReadOnlyMemory<byte> frame, out TimeSpan left)
    {
        frame = default;
        left = default;
        if (!_entries.TryGetValue(key, out var entry)) return false;
        left = entry.Expires - time.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            _entries.Remove(key);
            return false;
        }
        frame = entry.Frame;
        return true;
    }

    /// <summary>Every live entry with the time it has left: what a joining node asks for.</summary>
    public List<(ChannelKey Key, ReadOnlyMemory<byte> Frame, TimeSpan Left)> Entries()
    {
        var now = time.GetUtcNow();
        return _entries.Where(e => e.Value.Expires > now).Select(e => (e.Key, e.Value.Frame, e.Value.Expires - now)).ToList();
    }

    /// <summary>Forgets expired entries (a channel nobody subscribes to again is never looked up).</summary>
    public void Purge()
    {
        var now = time.GetUtcNow();
        foreach (var key in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList()) _entries.Remove(key);
    }
}
