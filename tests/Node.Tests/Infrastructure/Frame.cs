namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>One text frame received from the server, parsed.</summary>
public sealed class Frame
{
    public Frame(string raw)
    {
        Raw = raw;
        using var doc = JsonDocument.Parse(raw);
        Root = doc.RootElement.Clone();
        Assert.Equal(JsonValueKind.Object, Root.ValueKind);
    }

    public string Raw { get; }
    public JsonElement Root { get; }

    public string Event => Root.GetProperty("event").GetString()!;
    public string? Channel => Root.TryGetProperty("channel", out var c) ? c.GetString() : null;
    public bool HasData => Root.TryGetProperty("data", out _);
    public JsonElement Data => Root.GetProperty("data");
    public string? UserId => Root.TryGetProperty("user_id", out var u) ? u.GetString() : null;

    /// <summary>The data as a string (application events, and double-encoded pusher_internal data).</summary>
    public string DataString
    {
        get
        {
            Assert.True(Data.ValueKind == JsonValueKind.String, $"data is not a string in {Raw}");
            return Data.GetString()!;
        }
    }

    /// <summary>pusher_internal:* data: must be a JSON string whose content is an object (PROTOCOL.md 1.2).</summary>
    public JsonElement InnerData
    {
        get
        {
            using var doc = JsonDocument.Parse(DataString);
            return doc.RootElement.Clone();
        }
    }

    /// <summary>pusher:error: the code in its object data (null when the server sent "code":null).</summary>
    public int? ErrorCode
    {
        get
        {
            Assert.Equal("pusher:error", Event);
            Assert.Equal(JsonValueKind.Object, Data.ValueKind);
            var code = Data.GetProperty("code");
            Assert.True(Data.GetProperty("message").GetString() is { Length: > 0 }, $"error without message: {Raw}");
            return code.ValueKind == JsonValueKind.Null ? null : code.GetInt32();
        }
    }

    public override string ToString() => Raw;
}
