using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Broadcaster.Fuzzing;

/// <summary>
/// What every frame a Pusher server sends must be, whatever a client sent it: unmasked, no reserved bits, a whole
/// text message (never fragmented: the server has no reason to) holding a JSON object with an event name, a
/// <c>pusher:error</c> code in 4000-4999, a close code a server may send, control frames of at most 125 bytes, and no
/// other opcode. One place, so the fuzz test and the benchmark's long fuzz run check the same things.
/// </summary>
public static class ServerFrameRules
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    /// <summary>The RFC 6455 (7.4.1) close codes a server may end a connection with; 4000-4999 are Pusher's own.</summary>
    public static readonly IReadOnlyList<int> CloseCodes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1011];

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>Why this frame is not one a server may send, or null when it is.</summary>
    public static string? Violation(bool fin, int rsv, int opcode, bool masked, ReadOnlySpan<byte> payload)
    {
        if (masked) return "a masked frame from the server";
        if (rsv != 0) return $"reserved bits {rsv} from the server";
        switch (opcode)
        {
            case Text:
                return fin ? TextViolation(payload) : "a fragmented text message: the server fragments its messages only with a reason, and has none";
            case Close:
                if (payload.Length < 2) return null;
                var code = BinaryPrimitives.ReadUInt16BigEndian(payload);
                return CloseCodes.Contains(code) || code is >= 4000 and <= 4999 ? null : $"close code {code} is not one a server sends";
            case Ping:
            case Pong:
                return payload.Length <= 125 ? null : $"a control frame of {payload.Length} bytes (at most 125)";
            default:
                return $"the server sent opcode {opcode}";
        }
    }

    private static string? TextViolation(ReadOnlySpan<byte> payload)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return "a text message that is not UTF-8";
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return $"a text message that is not a JSON object: {Shorten(text)}";
            if (!root.TryGetProperty("event", out var name) || name.ValueKind != JsonValueKind.String || name.GetString() is null or "")
                return $"a message without an event name: {Shorten(text)}";
            if (name.GetString() != "pusher:error") return null;
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
                return $"a pusher:error without a data object: {Shorten(text)}";
            return data.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && (!code.TryGetInt32(out var n) || n is < 4000 or > 4999)
                ? $"a pusher:error code outside 4000-4999: {Shorten(text)}"
                : null;
        }
        catch (JsonException e)
        {
            return $"a text message that is not JSON ({e.Message}): {Shorten(text)}";
        }
    }

    private static string Shorten(string s) => s.Length <= 300 ? s : $"{s[..300]}… ({s.Length} chars)";
}
