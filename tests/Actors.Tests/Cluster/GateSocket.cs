using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// A socket that, once armed, blocks the caller of <see cref="TrySend"/> until released. The channel registry
/// fans events out itself, so delivering an event to this socket holds a node's registry still: a way to make a
/// node slow to answer (for example a presence snapshot request) without sleeping.
/// </summary>
public sealed class GateSocket(string socketId) : IPusherSocket, IDisposable
{
    private readonly ManualResetEventSlim _open = new(true);
    private readonly ManualResetEventSlim _entered = new(false);
    private int _sent;

    public string SocketId { get; } = socketId;

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>The next sends block until <see cref="Release"/>.</summary>
    public void Arm() => _open.Reset();

    public void Release() => _open.Set();

    /// <summary>Waits until a send is blocked in the gate.</summary>
    public bool AwaitBlocked(TimeSpan timeout) => _entered.Wait(timeout);

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (!_open.IsSet)
        {
            _entered.Set();
            // Bounded, so a failed test can never wedge the node's dispatcher for good.
            _open.Wait(TimeSpan.FromSeconds(30));
        }
        Interlocked.Increment(ref _sent);
        return true;
    }

    public void Close(int code, string reason)
    {
    }

    public void Dispose()
    {
        _open.Set();
        _open.Dispose();
        _entered.Dispose();
    }
}
