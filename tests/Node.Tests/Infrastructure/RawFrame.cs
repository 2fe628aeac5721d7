using System.Buffers.Binary;
using System.Text;
using Broadcaster.Fuzzing;

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

    /// <summary>One frame as a client writes it, or (unmasked, reserved bits) as it must not: <see cref="FrameBytes.Encode"/>.</summary>
    public static byte[] Encode(int opcode, ReadOnlySpan<byte> payload, bool fin = true, bool mask = true, int rsv = 0) =>
        FrameBytes.Encode(opcode, payload, fin, mask, rsv);

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
    public static void ApplyMask(Span<byte> data, ReadOnlySpan<byte> key) => FrameBytes.ApplyMask(data, key);

    public override string ToString() =>
        $"opcode {Opcode:X} fin {Fin} rsv {Rsv} masked {Masked} {Payload.Length} bytes" + (Opcode == Text ? $": {PayloadText}" : "");
}
