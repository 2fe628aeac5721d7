using System.Collections.Concurrent;

namespace Broadcaster.Bench.Baseline;

/// <summary>
/// The baseline's subscriptions: per channel a copy-on-write array of sockets, so a fan-out reads it without a
/// lock while subscribes (rare in the benchmark) copy it under one.
/// </summary>
public sealed class BaselineChannels
{
    private readonly ConcurrentDictionary<string, Channel> _channels = new(StringComparer.Ordinal);

    public void Subscribe(string channel, BaselineSocket socket)
    {
        var entry = _channels.GetOrAdd(channel, name => new Channel(BaselineFrames.SubscriptionSucceeded(name)));
        lock (entry) entry.Sockets = [.. entry.Sockets, socket];
        socket.Send(entry.Succeeded);
    }

    public void Unsubscribe(string channel, BaselineSocket socket)
    {
        if (!_channels.TryGetValue(channel, out var entry)) return;
        lock (entry) entry.Sockets = entry.Sockets.Where(s => s != socket).ToArray();
    }

    /// <summary>Queues the same frame on every socket of the channel; each socket's writer sends it.</summary>
    public void Publish(string channel, byte[] frame)
    {
        if (!_channels.TryGetValue(channel, out var entry)) return;
        foreach (var socket in entry.Sockets) socket.Send(frame);
    }

    private sealed class Channel(byte[] succeeded)
    {
        public byte[] Succeeded { get; } = succeeded;
        public volatile BaselineSocket[] Sockets = [];
    }
}
