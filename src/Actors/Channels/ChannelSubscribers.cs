using System.Collections.Immutable;
using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The sockets that currently receive a channel's events: written only by the channel actor, read by the
/// registry when it fans events out. A socket is added only after its subscription reply is queued, so an
/// event can never overtake <c>subscription_succeeded</c>.
/// </summary>
public sealed class ChannelSubscribers
{
    private ImmutableDictionary<string, IPusherSocket> _sockets = ImmutableDictionary.Create<string, IPusherSocket>(StringComparer.Ordinal);

    public ImmutableDictionary<string, IPusherSocket> Current => Volatile.Read(ref _sockets);

    internal void Add(IPusherSocket socket) => Volatile.Write(ref _sockets, _sockets.SetItem(socket.SocketId, socket));

    internal void Remove(string socketId) => Volatile.Write(ref _sockets, _sockets.Remove(socketId));

    /// <summary>Queues the same bytes on every socket but <paramref name="exceptSocketId"/>.</summary>
    public void Deliver(ReadOnlyMemory<byte> frame, string? exceptSocketId)
    {
        foreach (var (socketId, socket) in Current)
        {
            if (socketId != exceptSocketId) socket.TrySend(frame);
        }
    }
}
