using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Broadcaster.Fuzzing;

/// <summary>
/// The bytes of one RFC 6455 frame (section 5.2), built without any validation, so a fuzzer or a test can make the
/// frames a server must refuse (unmasked, reserved bits, unknown opcodes, torn fragments).
/// </summary>
public static class FrameBytes
{
    /// <summary>
    /// One frame with the shortest length encoding. A client MUST mask every frame (RFC 6455 5.1) with a fresh random
    /// key; <paramref name="mask"/> false builds the unmasked frame a server must fail the connection for.
    /// </summary>
    public static byte[] Encode(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0)
    {
        var lengthBytes = payload.Length < 126 ? 0 : payload.Length <= ushort.MaxValue ? 2 : 8;
        var maskAt = 2 + lengthBytes;
        var payloadAt = maskAt + (mask ? 4 : 0);
        var frame = new byte[payloadAt + payload.Length];
        frame[0] = (byte)((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
        frame[1] = (byte)((mask ? 0x80 : 0) | lengthBytes switch { 0 => payload.Length, 2 => 126, _ => 127 });
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)payload.Length);
        else if (lengthBytes == 8) BinaryPrimitives.WriteUInt64BigEndian(frame.AsSpan(2), (ulong)payload.Length);
        payload.CopyTo(frame.AsSpan(payloadAt));
        if (mask)
        {
            RandomNumberGenerator.Fill(frame.AsSpan(maskAt, 4));
            ApplyMask(frame.AsSpan(payloadAt), frame.AsSpan(maskAt, 4));
        }
        return frame;
    }

    /// <summary>Masking and unmasking are the same XOR (RFC 6455 5.3).</summary>
    public static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < data.Length; i++) data[i] ^= key[i & 3];
    }
}
