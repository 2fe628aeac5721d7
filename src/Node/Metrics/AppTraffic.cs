namespace Broadcaster.Node.Metrics;

/// <summary>Traffic counters of one app on this node; incremented from socket and request loops.</summary>
public sealed class AppTraffic
{
    private long _newConnections;
    private long _disconnections;
    private long _wsMessagesReceived;
    private long _wsMessagesSent;
    private long _socketBytesReceived;
    private long _socketBytesSent;
    private long _httpCalls;
    private long _httpBytesReceived;
    private long _httpBytesSent;
    private long _slowConsumerCloses;
    private long _httpRateLimited;
    private long _apiMessages;
    private long _open;
    private long _peak;

    public long NewConnections => Interlocked.Read(ref _newConnections);
    public long Disconnections => Interlocked.Read(ref _disconnections);
    public long WsMessagesReceived => Interlocked.Read(ref _wsMessagesReceived);
    public long WsMessagesSent => Interlocked.Read(ref _wsMessagesSent);
    public long SocketBytesReceived => Interlocked.Read(ref _socketBytesReceived);
    public long SocketBytesSent => Interlocked.Read(ref _socketBytesSent);
    public long HttpCalls => Interlocked.Read(ref _httpCalls);
    public long HttpBytesReceived => Interlocked.Read(ref _httpBytesReceived);
    public long HttpBytesSent => Interlocked.Read(ref _httpBytesSent);
    public long SlowConsumerCloses => Interlocked.Read(ref _slowConsumerCloses);
    public long HttpRateLimited => Interlocked.Read(ref _httpRateLimited);
    /// <summary>Events triggered through the HTTP API (each event of a batch counts; channels do not multiply).</summary>
    public long ApiMessages => Interlocked.Read(ref _apiMessages);
    public long OpenConnections => Interlocked.Read(ref _open);

    public void Connected()
    {
        Interlocked.Increment(ref _newConnections);
        var open = Interlocked.Increment(ref _open);
        // The peak only rises here; a statistics interval starts it again from what is open (TakePeak).
        var peak = Interlocked.Read(ref _peak);
        while (open > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, open, peak);
            if (seen == peak) break;
            peak = seen;
        }
    }

    public void Disconnected()
    {
        Interlocked.Increment(ref _disconnections);
        Interlocked.Decrement(ref _open);
    }

    /// <summary>The most connections open at once since the last call, and starts the next interval at what is open now.</summary>
    public long TakePeak()
    {
        var open = Interlocked.Read(ref _open);
        return Math.Max(Interlocked.Exchange(ref _peak, open), open);
    }

    public void ApiMessagesTriggered(int events) => Interlocked.Add(ref _apiMessages, events);

    public void MessageReceived(int bytes)
    {
        Interlocked.Increment(ref _wsMessagesReceived);
        Interlocked.Add(ref _socketBytesReceived, bytes);
    }

    public void MessageSent(int bytes)
    {
        Interlocked.Increment(ref _wsMessagesSent);
        Interlocked.Add(ref _socketBytesSent, bytes);
    }

    public void HttpCall(long bytesIn, long bytesOut)
    {
        Interlocked.Increment(ref _httpCalls);
        Interlocked.Add(ref _httpBytesReceived, bytesIn);
        Interlocked.Add(ref _httpBytesSent, bytesOut);
    }

    public void SlowConsumerClosed() => Interlocked.Increment(ref _slowConsumerCloses);
    public void HttpRateLimitHit() => Interlocked.Increment(ref _httpRateLimited);
}
