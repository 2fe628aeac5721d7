using System.Buffers.Binary;

namespace Broadcaster.Bench.Framing;

/// <summary>Writes RFC 6455 frames: masked ones as a client sends them, unmasked ones as a server does.</summary>
public static class FrameWriter
{
    /// <summary>The largest header: 2 bytes, an 8-byte length and a 4-byte mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>
    /// Writes one final frame into <paramref name="destination"/> (at least payload + <see cref="MaxHeaderLength"/>
    /// bytes) and returns its length. A <paramref name="maskKey"/> of null writes an unmasked (server) frame.
    /// </summary>
    public static int Write(Span<byte> destination, byte opcode, ReadOnlySpan<byte> payload, uint? maskKey)
    {
        destination[0] = (byte)(0x80 | opcode);
        var maskBit = maskKey is null ? (byte)0 : (byte)0x80;
        int at;
        if (payload.Length < 126)
        {
            destination[1] = (byte)(maskBit | payload.Length);
            at = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = (byte)(maskBit | 126);
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            at = 4;
        }
        else
        {
            destination[1] = (byte)(maskBit | 127);
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            at = 10;
        }
        payload.CopyTo(destination[(at + (maskKey is null ? 0 : 4))..]);
        if (maskKey is { } key)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[at..], key);
            at += 4;
            Mask(destination.Slice(at, payload.Length), key, 0);
        }
        return at + payload.Length;
    }

    /// <summary>A whole unmasked frame as a new array: what a server builds once and writes to every subscriber.</summary>
    public static byte[] ServerFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[payload.Length + MaxHeaderLength];
        var length = Write(frame, opcode, payload, null);
        return frame.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the mask key in place (masking and unmasking are the same operation);
    /// <paramref name="offset"/> is the position of <paramref name="data"/>[0] within the frame's payload.
    /// </summary>
    public static void Mask(Span<byte> data, uint key, long offset)
    {
        Span<byte> keyBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(keyBytes, key);
        for (var i = 0; i < data.Length; i++) data[i] ^= keyBytes[(int)((offset + i) & 3)];
    }
}
