using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// One RFC 6455 frame (section 5.2): built byte by byte for the raw client, or decoded from what the server sent.
/// Building never validates, so tests can make the frames a server must refuse.
/// </summary>
public sealed record RawFrame(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    public bool IsControl => Opcode >= 0x8;

    /// <summary>The status code of a close frame, or null when its payload has none.</summary>
    public int? CloseCode => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;

    public string CloseReason => Opcode == Close && Payload.Length > 2 ? Encoding.UTF8.GetString(Payload, 2, Payload.Length - 2) : "";

    public string PayloadText => Encoding.UTF8.GetString(Payload);

    /// <summary>
    /// The bytes of one frame with the shortest length encoding. A client MUST mask every frame (RFC 6455 5.1) with a
    /// fresh random key; <paramref name="mask"/> false builds the unmasked frame a server must fail the connection for.
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

    public static byte[] Encode(int opcode, string text, bool fin = true, bool mask = true) =>
        Encode(opcode, Encoding.UTF8.GetBytes(text), fin, mask);

    /// <summary>The payload of a close frame: the code in network byte order, then the UTF-8 reason (RFC 6455 5.5.1).</summary>
    public static byte[] ClosePayload(int code, string reason = "")
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    /// <summary>Masking and unmasking are the same XOR (RFC 6455 5.3).</summary>
    public static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> key)
    {
        for (var i = 0; i < data.Length; i++) data[i] ^= key[i & 3];
    }

    public override string ToString() =>
        $"opcode {Opcode:X} fin {Fin} rsv {Rsv} masked {Masked} {Payload.Length} bytes" + (Opcode == Text ? $": {PayloadText}" : "");
}
