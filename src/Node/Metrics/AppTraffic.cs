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

    public void Connected() => Interlocked.Increment(ref _newConnections);
    public void Disconnected() => Interlocked.Increment(ref _disconnections);

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
