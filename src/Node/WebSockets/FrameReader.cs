using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// Reads RFC 6455 frames from a client: unmasks them, reassembles fragmented text messages (control frames may come
/// between the fragments), and refuses what the RFC forbids with the close code it names (1002 protocol error, 1003
/// binary data, 1007 invalid UTF-8, 1009 too big). One per connection; not thread-safe. No extension is ever
/// negotiated, so every reserved bit must be zero.
/// </summary>
public sealed class FrameReader(int maxMessageBytes)
{
    private const int MaxControlPayload = 125;

    private byte[] _message = [];
    private int _length;
    private bool _inMessage;
    private bool _deliveredMessage;

    /// <summary>
    /// Reads the next frame from <paramref name="buffer"/>, which is advanced past what was consumed. Fragments are
    /// taken in as they come, so a caller only sees <see cref="FrameKind.Text"/> once a message is whole.
    /// </summary>
    public ReadFrame Read(ref ReadOnlySequence<byte> buffer)
    {
        if (_deliveredMessage)
        {
            // The previous message was handed out; its bytes may be overwritten now.
            _deliveredMessage = false;
            _length = 0;
            if (_message.Length > 4096) ReturnBuffer();
        }
        Span<byte> head = stackalloc byte[14];
        while (true)
        {
            if (buffer.Length < 2) return ReadFrame.NeedMore;
            var available = (int)Math.Min(buffer.Length, head.Length);
            buffer.Slice(0, available).CopyTo(head);
            var fin = (head[0] & 0x80) != 0;
            var opcode = head[0] & 0x0F;
            if ((head[0] & 0x70) != 0) return ReadFrame.Fail(1002, "Reserved bits set: no extension was negotiated");
            if ((head[1] & 0x80) == 0) return ReadFrame.Fail(1002, "Client frames must be masked");
            var lengthCode = head[1] & 0x7F;
            var headerLength = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + 4;
            if (available < headerLength) return ReadFrame.NeedMore;
            var payloadLength = lengthCode switch
            {
                126 => BinaryPrimitives.ReadUInt16BigEndian(head[2..]),
                127 => BinaryPrimitives.ReadUInt64BigEndian(head[2..]),
                _ => (ulong)lengthCode,
            };
            if (Check(fin, opcode, payloadLength) is { } refused) return refused;
            if ((ulong)buffer.Length < (ulong)headerLength + payloadLength) return ReadFrame.NeedMore;

            ReadOnlySpan<byte> mask = head.Slice(headerLength - 4, 4);
            var payload = buffer.Slice(headerLength, (long)payloadLength);
            buffer = buffer.Slice(payload.End);
            switch (opcode)
            {
                case 0 or 1:
                    Append(payload, mask);
                    _inMessage = !fin;
                    if (!fin) continue;
                    if (!Utf8.IsValid(_message.AsSpan(0, _length))) return ReadFrame.Fail(1007, "Text message is not valid UTF-8");
                    _deliveredMessage = true;
                    return new ReadFrame(FrameKind.Text, _message.AsMemory(0, _length));
                case 9:
                    return new ReadFrame(FrameKind.Ping, Unmasked(payload, mask));
                case 10:
                    return new ReadFrame(FrameKind.Pong);
                default:
                    return ReadClose(Unmasked(payload, mask));
            }
        }
    }

    /// <summary>Gives the message buffer back to the pool; the reader can still be used afterwards.</summary>
    public void ReturnBuffer()
    {
        if (_message.Length > 0) ArrayPool<byte>.Shared.Return(_message);
        _message = [];
        _length = 0;
    }

    private ReadFrame? Check(bool fin, int opcode, ulong payloadLength)
    {
        switch (opcode)
        {
            case 8 or 9 or 10:
                if (!fin) return ReadFrame.Fail(1002, "Control frames must not be fragmented");
                if (payloadLength > MaxControlPayload) return ReadFrame.Fail(1002, "Control frames carry at most 125 bytes");
                return null;
            case 0 when !_inMessage:
                return ReadFrame.Fail(1002, "Continuation frame without a message to continue");
            case 1 or 2 when _inMessage:
                return ReadFrame.Fail(1002, "A new message started before the previous one ended");
            case 2:
                return ReadFrame.Fail(1003, "Binary frames are not supported");
            case 0 or 1:
                return (ulong)_length + payloadLength > (ulong)maxMessageBytes
                    ? ReadFrame.Fail(1009, $"Message too big: at most {maxMessageBytes} bytes")
                    : null;
            default:
                return ReadFrame.Fail(1002, $"Unknown opcode {opcode}");
        }
    }

    private void Append(ReadOnlySequence<byte> payload, ReadOnlySpan<byte> mask)
    {
        var needed = _length + (int)payload.Length;
        if (needed > _message.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 256));
            _message.AsSpan(0, _length).CopyTo(bigger);
            if (_message.Length > 0) ArrayPool<byte>.Shared.Return(_message);
            _message = bigger;
        }
        var target = _message.AsSpan(_length, (int)payload.Length);
        payload.CopyTo(target);
        Unmask(target, mask);
        _length = needed;
    }

    private static byte[] Unmasked(ReadOnlySequence<byte> payload, ReadOnlySpan<byte> mask)
    {
        var bytes = payload.ToArray();
        Unmask(bytes, mask);
        return bytes;
    }

    /// <summary>The mask repeats every four bytes from the first payload byte of the frame.</summary>
    private static void Unmask(Span<byte> bytes, ReadOnlySpan<byte> mask)
    {
        for (var i = 0; i < bytes.Length; i++) bytes[i] ^= mask[i & 3];
    }

    private static ReadFrame ReadClose(byte[] payload)
    {
        if (payload.Length == 0) return new ReadFrame(FrameKind.Close, CloseCode: 1005);
        if (payload.Length == 1) return ReadFrame.Fail(1002, "A close frame's payload holds at least a two-byte code");
        var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (!IsValidCloseCode(code)) return ReadFrame.Fail(1002, $"Invalid close code {code}");
        var reason = payload.AsSpan(2);
        if (!Utf8.IsValid(reason)) return ReadFrame.Fail(1007, "Close reason is not valid UTF-8");
        return new ReadFrame(FrameKind.Close, CloseCode: code, Reason: Encoding.UTF8.GetString(reason));
    }

    /// <summary>Codes a peer may send (RFC 6455 7.4 and the IANA registry); 1005, 1006 and 1015 never go on the wire.</summary>
    private static bool IsValidCloseCode(int code) => code is >= 1000 and <= 1003 or >= 1007 and <= 1014 or >= 3000 and <= 4999;
}
