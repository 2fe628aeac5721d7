using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Broadcaster.Node.WebSockets;

/// <summary>Writes RFC 6455 server frames: unmasked, unfragmented, straight into the connection's output pipe.</summary>
public static class FrameWriter
{
    public const byte Text = 0x1;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    /// <summary>The bytes a frame of <paramref name="payloadLength"/> takes on the wire.</summary>
    public static int FrameLength(int payloadLength) => HeaderLength(payloadLength) + payloadLength;

    public static void Write(IBufferWriter<byte> output, byte opcode, ReadOnlySpan<byte> payload)
    {
        var header = HeaderLength(payload.Length);
        var span = output.GetSpan(header + payload.Length);
        span[0] = (byte)(0x80 | opcode);
        switch (header)
        {
            case 2:
                span[1] = (byte)payload.Length;
                break;
            case 4:
                span[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)payload.Length);
                break;
            default:
                span[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(span[2..], (ulong)payload.Length);
                break;
        }
        payload.CopyTo(span[header..]);
        output.Advance(header + payload.Length);
    }

    /// <summary>A close frame: the code, then the reason cut to what fits in a control frame (125 bytes in all).</summary>
    public static byte[] ClosePayload(int code, string reason)
    {
        var bytes = new byte[2 + Math.Min(Encoding.UTF8.GetByteCount(reason), 123)];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, (ushort)code);
        var reasonBytes = Encoding.UTF8.GetBytes(reason);
        var length = Math.Min(reasonBytes.Length, 123);
        // Never cut a multi-byte character in two: the client must find the reason valid UTF-8.
        while (length > 0 && length < reasonBytes.Length && (reasonBytes[length] & 0xC0) == 0x80) length--;
        reasonBytes.AsSpan(0, length).CopyTo(bytes.AsSpan(2));
        return bytes[..(2 + length)];
    }

    private static int HeaderLength(int payloadLength) => payloadLength < 126 ? 2 : payloadLength <= ushort.MaxValue ? 4 : 10;
}
