namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// What a scenario hears from its clients. Called on the thread that completed a receive, one call at a time per
/// client (a client has one receive in flight), so state kept per client needs no lock; state shared between
/// clients does. Nothing here may block: it runs inside the load generator's receive path.
/// </summary>
public abstract class ClientListener
{
    /// <summary>A benchmark event; <paramref name="receivedAt"/> is the <see cref="System.Diagnostics.Stopwatch"/> time its bytes were read.</summary>
    public virtual void OnEvent(ClientSocket client, int phase, int seq, long sentAt, long receivedAt)
    {
    }

    public virtual void OnSubscribed(ClientSocket client, long receivedAt)
    {
    }

    /// <summary><c>pusher_internal:member_added</c> or <c>member_removed</c>; <paramref name="json"/> is the whole message.</summary>
    public virtual void OnMember(ClientSocket client, bool added, ReadOnlySpan<byte> json)
    {
    }

    public virtual void OnError(ClientSocket client, int code)
    {
    }

    /// <summary>The server closed the connection (its close code) or it dropped (1006); not called when the load generator closes it.</summary>
    public virtual void OnClosed(ClientSocket client, int code)
    {
    }
}
