using System.Collections.Concurrent;
using System.Text;
using Akka.Actor;
using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>A frame a <see cref="RecordingSocket"/> accepted, as told to its probe.</summary>
public sealed record SentFrame(string SocketId, ReadOnlyMemory<byte> Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes.Span);

    public Frame Parse() => Frame.Parse(Bytes);

    public override string ToString() => $"SentFrame({SocketId}: {Text})";
}

/// <summary>A <see cref="IPusherSocket.Close"/> call, as told to the socket's probe.</summary>
public sealed record CloseCall(string SocketId, int Code, string Reason);

/// <summary>
/// Test double of the socket writer: records every accepted frame and every Close call (thread-safe) and
/// forwards both, in call order, to an optional probe. Like the real socket it refuses frames once closing,
/// and with a <c>capacity</c> it simulates a full queue: the frame is refused and the socket closes itself with 4100.
/// </summary>
public sealed class RecordingSocket : IPusherSocket
{
    private readonly ConcurrentQueue<ReadOnlyMemory<byte>> _frames = new();
    private readonly ConcurrentQueue<CloseCall> _closes = new();
    private readonly IActorRef? _probe;
    private readonly int _capacity;
    private readonly object _gate = new();
    private bool _closing;
    private int _queued;
    private int _refused;

    public RecordingSocket(string socketId, IActorRef? probe = null, int capacity = int.MaxValue)
    {
        SocketId = socketId;
        _probe = probe;
        _capacity = capacity;
    }

    public string SocketId { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> Frames => _frames.ToArray();

    public IReadOnlyList<CloseCall> Closes => _closes.ToArray();

    public int RefusedCount => Volatile.Read(ref _refused);

    public bool IsClosing
    {
        get { lock (_gate) return _closing; }
    }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        bool full;
        lock (_gate)
        {
            if (_closing)
            {
                _refused++;
                return false;
            }
            full = _queued >= _capacity;
            if (!full)
            {
                _queued++;
                // Enqueue and tell under the lock so the probe sees frames and closes in call order.
                _frames.Enqueue(frame);
                _probe?.Tell(new SentFrame(SocketId, frame));
                return true;
            }
            _refused++;
        }
        Close(4100, "Client not reading fast enough");
        return false;
    }

    public void Close(int code, string reason)
    {
        lock (_gate)
        {
            _closing = true;
            var call = new CloseCall(SocketId, code, reason);
            _closes.Enqueue(call);
            _probe?.Tell(call);
        }
    }
}
