using Akka.Actor;
using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>
/// A socket whose <see cref="SocketId"/> throws once armed: whatever actor reads it while handling a message fails
/// on that message, which is how the supervision tests make a channel actor fail.
/// </summary>
public sealed class FaultySocket(string socketId, IActorRef probe) : IPusherSocket
{
    private readonly RecordingSocket _inner = new(socketId, probe);
    private volatile bool _armed;

    public string SocketId => _armed ? throw new InvalidOperationException("socket id unavailable") : _inner.SocketId;

    public void Arm() => _armed = true;

    public bool TrySend(ReadOnlyMemory<byte> frame) => _inner.TrySend(frame);

    public void Close(int code, string reason) => _inner.Close(code, reason);
}
