namespace Broadcaster.Actors.Sockets;

/// <summary>
/// The outgoing side of one client socket: a bounded queue of ready-made frames drained by a writer loop.
/// Safe to call from any actor. Actors never await socket I/O; they only enqueue.
/// </summary>
public interface IPusherSocket
{
    string SocketId { get; }

    /// <summary>
    /// Queues one frame. Returns false when the socket is closing or its queue is full; a full queue means the
    /// client stopped reading, so the socket closes itself with 4100 rather than slow anyone else down.
    /// </summary>
    bool TrySend(ReadOnlyMemory<byte> frame);

    /// <summary>Sends what is already queued, then closes with <paramref name="code"/>.</summary>
    void Close(int code, string reason);
}
