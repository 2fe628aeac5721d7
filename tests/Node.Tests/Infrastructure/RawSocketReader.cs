using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Broadcaster.Fuzzing;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// The receive side of a <see cref="RawWebSocket"/>: response heads and frames read from one <see cref="SocketBuffer"/>
/// over the socket, so bytes the server sent right after its 101 are the start of the first frame, not lost.
/// An end of the connection surfaces as <see cref="EndOfStreamException"/>, a reset as <see cref="SocketException"/>.
/// </summary>
public sealed class RawSocketReader(Socket socket)
{
    private const int MaxHeadBytes = 64 * 1024;
    private const int MaxFrameBytes = 16 * 1024 * 1024;

    private readonly SocketBuffer _buffer = new(socket);

    /// <summary>A response head and, for anything but 101, its body (by Content-Length or chunked).</summary>
    public async Task<RawHttpResponse> ReadResponseAsync(CancellationToken ct)
    {
        var response = RawHttpResponse.ParseHead(await ReadUntilAsync("\r\n\r\n"u8.ToArray(), MaxHeadBytes, ct));
        if (response.Status == 101) return response;
        if (response.Header("Content-Length") is { } length) return response with { Body = Encoding.UTF8.GetString(await ReadExactAsync(int.Parse(length), ct)) };
        if (!response.HeaderHasToken("Transfer-Encoding", "chunked")) return response;
        var body = new MemoryStream();
        while (Convert.ToInt32((await ReadLineAsync(ct)).Split(';')[0], 16) is var size and > 0)
        {
            body.Write(await ReadExactAsync(size, ct));
            Assert.Equal("", await ReadLineAsync(ct));
        }
        Assert.Equal("", await ReadLineAsync(ct));
        return response with { Body = Encoding.UTF8.GetString(body.ToArray()) };
    }

    /// <summary>One frame as it came (RFC 6455 5.2), unmasked if the server masked it (which it must not).</summary>
    public async Task<RawFrame> ReadFrameAsync(CancellationToken ct)
    {
        var head = await ReadExactAsync(2, ct);
        long length = head[1] & 0x7F;
        if (length == 126) length = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactAsync(2, ct));
        else if (length == 127) length = (long)BinaryPrimitives.ReadUInt64BigEndian(await ReadExactAsync(8, ct));
        Assert.True(length <= MaxFrameBytes, $"The server announced a frame of {length} bytes");
        var masked = (head[1] & 0x80) != 0;
        var key = masked ? await ReadExactAsync(4, ct) : null;
        var payload = await ReadExactAsync((int)length, ct);
        if (key is not null) RawFrame.ApplyMask(payload, key);
        return new RawFrame((head[0] & 0x80) != 0, (head[0] >> 4) & 0x7, head[0] & 0xF, masked, payload);
    }

    private Task<string> ReadLineAsync(CancellationToken ct) => ReadUntilAsync("\r\n"u8.ToArray(), MaxHeadBytes, ct);

    /// <summary>The ASCII text up to <paramref name="delimiter"/>, which is consumed but not returned.</summary>
    private async Task<string> ReadUntilAsync(byte[] delimiter, int max, CancellationToken ct)
    {
        int end;
        while ((end = _buffer.Buffered.IndexOf(delimiter)) < 0)
        {
            Assert.True(_buffer.Buffered.Length < max, $"No end of line or head within {max} bytes");
            if (!await _buffer.FillAsync(ct)) throw new EndOfStreamException($"The server closed the connection inside: {Encoding.ASCII.GetString(_buffer.Buffered)}");
        }
        var text = Encoding.ASCII.GetString(_buffer.Buffered[..end]);
        _buffer.Consume(end + delimiter.Length);
        return text;
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var got = 0;
        while (got < count)
        {
            if (_buffer.Buffered.IsEmpty && !await _buffer.FillAsync(ct))
                throw new EndOfStreamException($"The server closed the connection after {got} of {count} bytes");
            var n = Math.Min(count - got, _buffer.Buffered.Length);
            _buffer.Buffered[..n].CopyTo(result.AsSpan(got));
            _buffer.Consume(n);
            got += n;
        }
        return result;
    }
}
