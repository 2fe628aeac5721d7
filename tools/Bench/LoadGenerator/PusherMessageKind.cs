namespace Broadcaster.Bench.LoadGenerator;

/// <summary>The server messages the load generator acts on; everything else is <see cref="Other"/>.</summary>
public enum PusherMessageKind
{
    Other,
    /// <summary>A benchmark event (<see cref="BenchPayload.EventName"/>), carrying phase, sequence number and send time.</summary>
    Bench,
    ConnectionEstablished,
    SubscriptionSucceeded,
    MemberAdded,
    MemberRemoved,
    /// <summary><c>pusher:ping</c>, the server's liveness check: answered with <c>pusher:pong</c>.</summary>
    Ping,
    Error,
}
