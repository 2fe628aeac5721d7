using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;

namespace Broadcaster.Protocol.Http;

/// <summary>One event to publish: the body of <c>POST /events</c> or one item of <c>POST /batch_events</c>.</summary>
public sealed record TriggerRequest(string Name, string Data, IReadOnlyList<string> Channels, string? SocketId, IReadOnlySet<string> Info)
{
    /// <summary>Parses <c>POST /apps/{id}/events</c>; throws <see cref="ApiError"/> with 400 or 413 (PROTOCOL.md 6.3).</summary>
    public static TriggerRequest ParseEvents(ReadOnlyMemory<byte> body, ProtocolLimits limits)
    {
        using var doc = ParseJson(body);
        try
        {
            return FromElement(doc.RootElement, limits, allowChannelsArray: true);
        }
        catch (InvalidOperationException)
        {
            // GetString throws on invalid UTF-8 or a lone surrogate escape that the JSON reader let through.
            throw new ApiError(400, "The request body contains invalid UTF-8 or an unpaired surrogate");
        }
    }

    /// <summary>Parses <c>POST /apps/{id}/batch_events</c>, all-or-nothing (PROTOCOL.md 6.4).</summary>
    public static IReadOnlyList<TriggerRequest> ParseBatch(ReadOnlyMemory<byte> body, ProtocolLimits limits)
    {
        using var doc = ParseJson(body);
        if (doc.RootElement.ValueKind != JsonValueKind.Object ||
            !doc.RootElement.TryGetProperty("batch", out var batch) || batch.ValueKind != JsonValueKind.Array)
            throw new ApiError(400, "The body must be an object with a 'batch' array");
        if (batch.GetArrayLength() > limits.MaxBatchSize)
            throw new ApiError(400, $"Batch too large: at most {limits.MaxBatchSize} events per request");
        var items = new List<TriggerRequest>();
        var index = 0;
        foreach (var item in batch.EnumerateArray())
        {
            try
            {
                items.Add(FromElement(item, limits, allowChannelsArray: false));
            }
            catch (ApiError e)
            {
                throw new ApiError(e.Status, $"batch[{index}]: {e.Message}");
            }
            catch (InvalidOperationException)
            {
                throw new ApiError(400, $"batch[{index}]: invalid UTF-8 or an unpaired surrogate");
            }
            index++;
        }
        return items;
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new ApiError(400, "The request body is not valid JSON");
        }
    }

    private static TriggerRequest FromElement(JsonElement e, ProtocolLimits limits, bool allowChannelsArray)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ApiError(400, "An event must be a JSON object");
        var name = RequiredString(e, "name");
        if (name.Length > limits.MaxEventNameLength)
            throw new ApiError(400, $"Event name too long: at most {limits.MaxEventNameLength} characters");
        if (!e.TryGetProperty("data", out var dataElement))
            throw new ApiError(400, "Missing 'data'");
        if (dataElement.ValueKind != JsonValueKind.String)
            throw new ApiError(400, "'data' must be a string (JSON-encode objects before sending them)");
        var data = dataElement.GetString()!;
        if (Encoding.UTF8.GetByteCount(data) > limits.MaxEventDataBytes)
            throw new ApiError(413, $"Event data too large: at most {limits.MaxEventDataBytes} bytes");

        var channels = ReadChannels(e, allowChannelsArray, limits);
        string? socketId = null;
        if (e.TryGetProperty("socket_id", out var sid) && sid.ValueKind != JsonValueKind.Null)
        {
            socketId = sid.ValueKind == JsonValueKind.String ? sid.GetString() : null;
            if (!Broadcaster.Protocol.Channels.SocketId.IsValid(socketId)) throw new ApiError(400, "Invalid socket_id");
        }
        var info = e.TryGetProperty("info", out var inf) && inf.ValueKind == JsonValueKind.String
            ? ParseInfo(inf.GetString())
            : new HashSet<string>();
        return new TriggerRequest(name, data, channels, socketId, info);
    }

    private static List<string> ReadChannels(JsonElement e, bool allowChannelsArray, ProtocolLimits limits)
    {
        var channels = new List<string>();
        if (allowChannelsArray && e.TryGetProperty("channels", out var arr))
        {
            if (arr.ValueKind != JsonValueKind.Array) throw new ApiError(400, "'channels' must be an array of channel names");
            foreach (var c in arr.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.String) throw new ApiError(400, "'channels' must be an array of channel names");
                channels.Add(c.GetString()!);
            }
        }
        else if (e.TryGetProperty("channel", out var one) && one.ValueKind == JsonValueKind.String)
        {
            channels.Add(one.GetString()!);
        }
        if (channels.Count == 0) throw new ApiError(400, "Missing 'channels' (or 'channel')");
        if (channels.Count > limits.MaxChannelsPerTrigger)
            throw new ApiError(400, $"Too many channels: at most {limits.MaxChannelsPerTrigger} per event");
        foreach (var c in channels)
        {
            if (!ChannelName.IsValid(c, limits.MaxChannelNameLength, allowServerToUser: true))
                throw new ApiError(400, $"Invalid channel name '{Truncate(c)}'");
        }
        return channels;
    }

    public static HashSet<string> ParseInfo(string? info) =>
        new((info ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    private static string RequiredString(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } s)
            throw new ApiError(400, $"Missing or invalid '{name}'");
        return s;
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
