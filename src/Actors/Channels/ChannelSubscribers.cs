using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The sockets that receive a channel's events. The channel actor adds a socket together with its subscription
/// reply, and the registry fans events out, under one lock: an event is queued on a new subscriber either not at
/// all (it came first) or after <c>subscription_succeeded</c>, never before it, and every event accepted after the
/// reply was queued reaches the subscriber. Queueing never blocks, so the lock is held only for enqueues.
/// </summary>
public sealed class ChannelSubscribers
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, IPusherSocket> _sockets = new(StringComparer.Ordinal);

    /// <summary>Queues <paramref name="reply"/> on the socket and adds it, atomically with respect to <see cref="Deliver"/>.</summary>
    internal void Add(IPusherSocket socket, ReadOnlyMemory<byte> reply)
    {
        lock (_lock)
        {
            socket.TrySend(reply);
            _sockets[socket.SocketId] = socket;
        }
    }

    internal void Remove(string socketId)
    {
        lock (_lock) _sockets.Remove(socketId);
    }

    /// <summary>Queues the same bytes on every socket but <paramref name="exceptSocketId"/>.</summary>
    public void Deliver(ReadOnlyMemory<byte> frame, string? exceptSocketId)
    {
        lock (_lock)
        {
            foreach (var (socketId, socket) in _sockets)
            {
                if (socketId != exceptSocketId) socket.TrySend(frame);
            }
        }
    }

    /// <summary>Queues the same bytes on every socket for which <paramref name="include"/> holds.</summary>
    internal void Deliver(ReadOnlyMemory<byte> frame, Func<string, bool> include)
    {
        lock (_lock)
        {
            foreach (var (socketId, socket) in _sockets)
            {
                if (include(socketId)) socket.TrySend(frame);
            }
        }
    }
}
