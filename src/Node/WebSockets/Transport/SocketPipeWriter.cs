using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Broadcaster.Node.WebSockets.Transport;

/// <summary>
/// The write side of a socket the node serves itself, as the <see cref="PipeWriter"/> the framing writes into: frames
/// gather in a pooled buffer and one flush sends them with one send call, on the flushing thread (no second loop, no
/// hand-off). The buffer goes back to the pool after every flush, so an idle connection holds none. One writer at a time.
/// </summary>
public sealed class SocketPipeWriter(Socket socket) : PipeWriter
{
    private const int MinimumBuffer = 4096;

    private byte[]? _buffer;
    private int _written;
    private bool _ended;

    public override Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(_written);

    public override Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(_written);

    public override void Advance(int bytes) => _written += bytes;

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_ended || _buffer is null || _written == 0)
        {
            ReturnBuffer();
            return new FlushResult(isCanceled: false, isCompleted: _ended);
        }
        try
        {
            var sent = 0;
            while (sent < _written) sent += await socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer is gone or the socket was aborted: nothing more will be written.
            _ended = true;
        }
        ReturnBuffer();
        return new FlushResult(isCanceled: false, isCompleted: _ended);
    }

    /// <summary>Not used by the framing, which never cancels a flush; aborting the socket ends a pending send instead.</summary>
    public override void CancelPendingFlush() => throw new NotSupportedException("Abort the socket to end a pending send");

    public override void Complete(Exception? exception = null)
    {
        _ended = true;
        ReturnBuffer();
    }

    private byte[] Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is null) _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(needed, MinimumBuffer));
        else if (needed > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _written);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer;
    }

    private void ReturnBuffer()
    {
        if (_buffer is not null) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _written = 0;
    }
}
