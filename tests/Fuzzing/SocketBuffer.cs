using System.Net.Sockets;

namespace Broadcaster.Fuzzing;

/// <summary>
/// One receive buffer over a raw client socket: what the server sent is read into it and taken from its front, so
/// bytes that arrive together (the 101 and <c>connection_established</c> often share a segment) are never lost
/// between a response head and the first frame. It grows to hold a frame larger than itself; the readers that use
/// it bound how large.
/// </summary>
public sealed class SocketBuffer(Socket socket)
{
    private byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    /// <summary>What has been received and not yet taken.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Takes <paramref name="count"/> bytes off the front of <see cref="Buffered"/>.</summary>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _end - _start);
        _start += count;
    }

    /// <summary>Reads more bytes from the socket after what is buffered; false when the server has closed its side.</summary>
    public async Task<bool> FillAsync(CancellationToken cancel)
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            var bigger = new byte[Math.Max(_buffer.Length, 2 * (_end - _start))];
            Buffered.CopyTo(bigger);
            _end -= _start;
            _start = 0;
            _buffer = bigger;
        }
        var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel);
        _end += read;
        return read > 0;
    }
}
