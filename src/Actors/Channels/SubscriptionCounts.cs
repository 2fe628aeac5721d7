using Broadcaster.Protocol.Channels;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// Cluster-wide subscription counts of the channels of apps that count subscriptions (PROTOCOL.md 2.10), and when to
/// tell whom. Every node publishes its own count of each such channel and keeps the others' by origin; the total is
/// their sum. Pusher's throttle: a channel of at most 100 subscribers hears of every change at once, a busier one at
/// most every 5 s; a node's own count of a busy channel goes out at most every second. Pure logic: the
/// <see cref="ChannelDirectory"/> owns one and calls <see cref="Tick"/> every second.
/// </summary>
public sealed class SubscriptionCounts(TimeProvider time)
{
    public const int BusyAbove = 100;
    public static readonly TimeSpan BusyInterval = TimeSpan.FromSeconds(5);

    private sealed class Entry
    {
        public int Local;
        public int PublishedLocal;
        public readonly Dictionary<string, int> Remote = new(StringComparer.Ordinal);
        public int SentTotal;
        public long SentAt = long.MinValue;
        public bool PublishPending;
        public bool SendPending;
        public int Total => Local + Remote.Values.Sum();
    }

    private readonly Dictionary<ChannelKey, Entry> _entries = new();

    public int Total(ChannelKey key) => _entries.TryGetValue(key, out var e) ? e.Total : 0;

    /// <summary>This node's subscriptions of the channel changed.</summary>
    /// <returns>Whether to publish the new local count now, and the total to tell the channel's subscribers now (if any).</returns>
    public (bool Publish, int? Send) LocalChanged(ChannelKey key, int count)
    {
        var e = Get(key);
        e.Local = count;
        var publish = false;
        if (count <= BusyAbove) publish = count != e.PublishedLocal;
        else e.PublishPending = true;
        if (publish)
        {
            e.PublishedLocal = count;
            e.PublishPending = false;
        }
        return (publish, Changed(key, e));
    }

    /// <summary>Another node's count of the channel; returns the total to tell now, if any.</summary>
    public int? RemoteChanged(string origin, ChannelKey key, int count)
    {
        var e = Get(key);
        if (count == 0) e.Remote.Remove(origin);
        else e.Remote[origin] = count;
        return Changed(key, e);
    }

    /// <summary>A node was removed: its counts are gone. Returns the totals to tell now.</summary>
    public List<(ChannelKey Key, int Total)> OriginRemoved(string origin)
    {
        var sends = new List<(ChannelKey, int)>();
        foreach (var (key, e) in _entries.Where(p => p.Value.Remote.ContainsKey(origin)).ToList())
        {
            e.Remote.Remove(origin);
            if (Changed(key, e) is { } total) sends.Add((key, total));
        }
        return sends;
    }

    /// <summary>This node's own counts, for a peer that has just linked with it.</summary>
    public List<(ChannelKey Key, int Count)> LocalCounts() =>
        _entries.Where(p => p.Value.Local > 0).Select(p => (p.Key, p.Value.Local)).ToList();

    /// <summary>Throttled work that is due: local counts to publish, totals to tell.</summary>
    public (List<(ChannelKey Key, int Count)> Publish, List<(ChannelKey Key, int Total)> Send) Tick()
    {
        var publish = new List<(ChannelKey, int)>();
        var send = new List<(ChannelKey, int)>();
        var now = time.GetTimestamp();
        foreach (var (key, e) in _entries.ToList())
        {
            if (e.PublishPending)
            {
                e.PublishPending = false;
                if (e.Local != e.PublishedLocal) publish.Add((key, e.PublishedLocal = e.Local));
            }
            if (e.SendPending && time.GetElapsedTime(e.SentAt, now) >= BusyInterval)
            {
                e.SendPending = false;
                if (e.Total != e.SentTotal) send.Add((key, Sent(e, now)));
            }
            Forget(key, e);
        }
        return (publish, send);
    }

    private int? Changed(ChannelKey key, Entry e)
    {
        var total = e.Total;
        int? send = null;
        if (total != e.SentTotal)
        {
            var now = time.GetTimestamp();
            if (total <= BusyAbove || e.SentAt == long.MinValue || time.GetElapsedTime(e.SentAt, now) >= BusyInterval) send = Sent(e, now);
            else e.SendPending = true;
        }
        Forget(key, e);
        return send;
    }

    private static int Sent(Entry e, long now)
    {
        e.SentAt = now;
        e.SendPending = false;
        return e.SentTotal = e.Total;
    }

    private void Forget(ChannelKey key, Entry e)
    {
        if (e.Total == 0 && e.SentTotal == 0 && e.PublishedLocal == 0 && !e.PublishPending && !e.SendPending) _entries.Remove(key);
    }

    private Entry Get(ChannelKey key)
    {
        if (!_entries.TryGetValue(key, out var e)) _entries[key] = e = new Entry();
        return e;
    }
}
