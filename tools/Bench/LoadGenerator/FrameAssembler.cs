using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// One connection's receive buffer: reads land after what is already there, complete frames are handed out in
/// place, and an incomplete one is moved to the front to wait for the rest. A frame larger than the buffer is
/// handed out as far as it fits and the rest skipped as it arrives: the load generator needs only the start of a
/// message, and its buffer stays the size it was given.
/// </summary>
public sealed class FrameAssembler(int capacity)
{
    private long _skip;

    public byte[] Buffer { get; } = new byte[capacity];

    /// <summary>Bytes received and not handed out yet, from the start of <see cref="Buffer"/>.</summary>
    public int Filled { get; private set; }

    public int Free => Buffer.Length - Filled;

    public ReadOnlySpan<byte> Pending => Buffer.AsSpan(0, Filled);

    /// <summary><paramref name="count"/> more bytes were written after <see cref="Filled"/>.</summary>
    public void Received(int count) => Filled += count;

    /// <summary>Drops the first <paramref name="count"/> bytes (the handshake response before the frames).</summary>
    public void Discard(int count) => Compact(count);

    /// <summary>Hands every complete frame to <paramref name="handler"/> until it says stop or the buffer has no whole frame.</summary>
    public void Read(IFrameHandler handler)
    {
        var at = 0;
        while (at < Filled)
        {
            if (_skip > 0)
            {
                var skipped = (int)Math.Min(_skip, Filled - at);
                at += skipped;
                _skip -= skipped;
                continue;
            }
            var rest = Buffer.AsSpan(at, Filled - at);
            if (!FrameHeader.TryRead(rest, out var header)) break;
            if (header.FrameLength > rest.Length)
            {
                // Wait for the rest; for a frame larger than the buffer, until the buffer is full of its start.
                if (rest.Length < Buffer.Length) break;
                var more = handler.OnFrame(header, rest[header.HeaderLength..]);
                _skip = header.FrameLength - rest.Length;
                at = Filled;
                if (!more) break;
                continue;
            }
            at += (int)header.FrameLength;
            if (!handler.OnFrame(header, rest.Slice(header.HeaderLength, (int)header.PayloadLength))) break;
        }
        Compact(at);
    }

    private void Compact(int consumed)
    {
        var left = Filled - consumed;
        if (left > 0 && consumed > 0) Buffer.AsSpan(consumed, left).CopyTo(Buffer);
        Filled = left;
    }
}
