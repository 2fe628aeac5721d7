using System.Collections.Concurrent;

namespace Broadcaster.Actors.Monitoring;

/// <summary>Counters the actors keep for the node's metrics; read by the metrics endpoint, written with Interlocked.</summary>
public sealed class NodeCounters
{
    private readonly ConcurrentDictionary<string, long> _clientEventsRateLimited = new(StringComparer.Ordinal);
    private long _busMessagesSent;
    private long _busMessagesReceived;

    public long BusMessagesSent => Interlocked.Read(ref _busMessagesSent);
    public long BusMessagesReceived => Interlocked.Read(ref _busMessagesReceived);

    public IReadOnlyDictionary<string, long> ClientEventsRateLimited => _clientEventsRateLimited;

    public void BusSent(int messages = 1) => Interlocked.Add(ref _busMessagesSent, messages);
    public void BusReceived() => Interlocked.Increment(ref _busMessagesReceived);
    public void ClientEventRateLimited(string appId) => _clientEventsRateLimited.AddOrUpdate(appId, 1, (_, n) => n + 1);
}
