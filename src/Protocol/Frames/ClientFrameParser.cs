using System.Text;
using System.Text.Json;

namespace Broadcaster.Protocol.Frames;

/// <summary>Parses client frames (PROTOCOL.md 1.2): <c>data</c> may be an object or a JSON string holding one.</summary>
public static class ClientFrameParser
{
    public static bool TryParse(ReadOnlyMemory<byte> utf8, out ClientFrame? frame, out string error)
    {
        frame = null;
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid message format: a frame must be a JSON object";
                return false;
            }
            if (!root.TryGetProperty("event", out var ev) || ev.ValueKind != JsonValueKind.String || ev.GetString() is not { Length: > 0 } name)
            {
                error = "Invalid message format: 'event' must be a non-empty string";
                return false;
            }
            string? channel = root.TryGetProperty("channel", out var ch) && ch.ValueKind == JsonValueKind.String ? ch.GetString() : null;
            string? raw = null;
            var data = PusherEventData.Empty;
            var size = 0;
            if (root.TryGetProperty("data", out var d))
            {
                raw = d.GetRawText();
                if (name.StartsWith("pusher:", StringComparison.Ordinal)) data = ReadPusherData(d);
                else size = DataSize(d, raw);
            }
            frame = new ClientFrame(name, channel, raw, data) { DataSize = size };
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = "Invalid message format: not valid JSON";
            return false;
        }
    }

    private static int DataSize(JsonElement data, string raw)
    {
        if (data.ValueKind != JsonValueKind.String) return Encoding.UTF8.GetByteCount(raw);
        try
        {
            return Encoding.UTF8.GetByteCount(data.GetString() ?? "");
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape cannot be decoded: count the text as sent.
            return Encoding.UTF8.GetByteCount(raw);
        }
    }

    private static PusherEventData ReadPusherData(JsonElement data)
    {
        if (data.ValueKind == JsonValueKind.String)
        {
            // Older clients double-encode: data is a string whose content is the object.
            try
            {
                using var inner = JsonDocument.Parse(data.GetString() ?? "");
                return inner.RootElement.ValueKind == JsonValueKind.Object ? FromObject(inner.RootElement) : PusherEventData.Empty;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return PusherEventData.Empty;
            }
        }
        return data.ValueKind == JsonValueKind.Object ? FromObject(data) : PusherEventData.Empty;
    }

    private static PusherEventData FromObject(JsonElement o) =>
        new(StringField(o, "channel"), StringField(o, "auth"), StringField(o, "channel_data"), StringField(o, "user_data"));

    private static string? StringField(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
