using System.Buffers.Binary;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Fuzz;

/// <summary>
/// One frame exactly as a server sent it (RFC 6455 5.2), reserved bits and mask included, so that
/// <see cref="ServerFrameRules"/> can judge everything a fuzzed client may have provoked. The load generator's
/// <see cref="Framing.FrameHeader"/> refuses what no peer may send; this reader keeps it, to report it.
/// </summary>
public sealed record ServerFrame(bool Fin, int Rsv, int Opcode, bool Masked, byte[] Payload)
{
    /// <summary>A larger announced frame is taken as a broken length rather than waited for.</summary>
    public const int MaxPayloadBytes = 16 * 1024 * 1024;

    /// <summary>Why no server may send this frame, or null.</summary>
    public string? Violation => ServerFrameRules.Violation(Fin, Rsv, Opcode, Masked, Payload);

    /// <summary>
    /// Reads the frame at the start of <paramref name="data"/>: false while it is incomplete, else the frame (unmasked
    /// if the server masked it) and the bytes it took. Throws <see cref="InvalidDataException"/> for a length over
    /// <see cref="MaxPayloadBytes"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out ServerFrame? frame, out int consumed)
    {
        frame = null;
        consumed = 0;
        if (data.Length < 2) return false;
        var masked = (data[1] & 0x80) != 0;
        ulong length = (uint)(data[1] & 0x7F);
        var at = 2;
        if (length == 126)
        {
            if (data.Length < 4) return false;
            length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            at = 4;
        }
        else if (length == 127)
        {
            if (data.Length < 10) return false;
            length = BinaryPrimitives.ReadUInt64BigEndian(data[2..]);
            at = 10;
        }
        if (length > MaxPayloadBytes) throw new InvalidDataException($"the server announced a frame of {length} bytes");
        var keyAt = at;
        if (masked) at += 4;
        if (data.Length < at + (int)length) return false;
        var payload = data.Slice(at, (int)length).ToArray();
        if (masked) FrameBytes.ApplyMask(payload, data.Slice(keyAt, 4));
        frame = new ServerFrame((data[0] & 0x80) != 0, (data[0] >> 4) & 0x7, data[0] & 0xF, masked, payload);
        consumed = at + (int)length;
        return true;
    }

    public override string ToString() =>
        $"opcode {Opcode:X} fin {Fin} rsv {Rsv} masked {Masked} {Payload.Length} bytes" +
        (Opcode == ServerFrameRules.Text ? $": {System.Text.Encoding.UTF8.GetString(Payload, 0, Math.Min(Payload.Length, 300))}" : "");
}
