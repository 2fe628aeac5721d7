using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Broadcaster.Node.WebSockets.Transport;

/// <summary>
/// The read side of a socket the node serves itself, as the <see cref="PipeReader"/> the framing reads from. An idle
/// connection waits in a zero-byte receive and holds no buffer: one is rented from the pool when bytes arrive and
/// given back as soon as everything in it was consumed. One reader per socket, one read at a time.
/// </summary>
public sealed class SocketPipeReader(Socket socket) : PipeReader
{
    private const int MinimumBuffer = 4096;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    /// <summary>The consumer looked at everything buffered and needs more bytes before it can go on.</summary>
    private bool _examinedAll = true;
    private bool _ended;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!_ended && (_end == _start || _examinedAll))
        {
            try
            {
                if (_end == _start)
                {
                    // Waits for data without a buffer: 10,000 idle connections hold no receive memory.
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                }
                MakeRoom();
                var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
                if (read == 0) _ended = true;
                _end += read;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Reset or aborted: for the framing the same as the end of the stream.
                _ended = true;
            }
        }
        _examinedAll = false;
        return new ReadResult(Buffered, isCanceled: false, isCompleted: _ended);
    }

    public override bool TryRead(out ReadResult result)
    {
        result = new ReadResult(Buffered, isCanceled: false, isCompleted: _ended);
        return _end > _start || _ended;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var buffered = Buffered;
        _examinedAll = buffered.Slice(examined).Length == 0;
        _start += (int)buffered.Slice(buffered.Start, consumed).Length;
        if (_start == _end) ReturnBuffer();
    }

    /// <summary>Not used by the framing, which never cancels a read; aborting the socket ends a pending read instead.</summary>
    public override void CancelPendingRead() => throw new NotSupportedException("Abort the socket to end a pending read");

    public override void Complete(Exception? exception = null)
    {
        _ended = true;
        ReturnBuffer();
    }

    private ReadOnlySequence<byte> Buffered => _buffer is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(_buffer, _start, _end - _start);

    /// <summary>Space after what is buffered: a pooled buffer, the unread bytes moved to its front, doubled when full.</summary>
    private void MakeRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(MinimumBuffer);
            _start = _end = 0;
            return;
        }
        if (_end < _buffer.Length) return;
        var unread = _end - _start;
        var target = unread * 2 > _buffer.Length ? ArrayPool<byte>.Shared.Rent(_buffer.Length * 2) : _buffer;
        Buffer.BlockCopy(_buffer, _start, target, 0, unread);
        if (target != _buffer) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = target;
        _start = 0;
        _end = unread;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _start = _end = 0;
    }
}
