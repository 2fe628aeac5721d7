using System.Buffers.Binary;

namespace Broadcaster.Bench.Framing;

/// <summary>
/// The header of one RFC 6455 frame (section 5.2), read from the start of a buffer. Both sides of the benchmark
/// parse frames in place in buffers they reuse, so this is a value and reading it allocates nothing.
/// </summary>
public readonly record struct FrameHeader(bool Fin, byte Opcode, bool Masked, long PayloadLength, int HeaderLength, uint MaskKey)
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>Header and payload together.</summary>
    public long FrameLength => HeaderLength + PayloadLength;

    public bool IsControl => (Opcode & 0x8) != 0;

    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>; false when the header is not complete yet.
    /// Throws <see cref="InvalidDataException"/> for what no peer may send (a 64-bit length with its top bit set, a
    /// fragmented or oversized control frame), so the caller can drop the connection.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out FrameHeader header)
    {
        header = default;
        if (data.Length < 2) return false;
        var fin = (data[0] & 0x80) != 0;
        var opcode = (byte)(data[0] & 0x0F);
        var masked = (data[1] & 0x80) != 0;
        long length = data[1] & 0x7F;
        var at = 2;
        if (length == 126)
        {
            if (data.Length < at + 2) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
            at += 2;
        }
        else if (length == 127)
        {
            if (data.Length < at + 8) return false;
            var wide = BinaryPrimitives.ReadUInt64BigEndian(data[at..]);
            if (wide > long.MaxValue) throw new InvalidDataException("frame length with the most significant bit set");
            length = (long)wide;
            at += 8;
        }
        if ((opcode & 0x8) != 0 && (!fin || length > 125)) throw new InvalidDataException($"invalid control frame (opcode {opcode}, length {length})");
        uint key = 0;
        if (masked)
        {
            if (data.Length < at + 4) return false;
            key = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            at += 4;
        }
        header = new FrameHeader(fin, opcode, masked, length, at, key);
        return true;
    }
}
