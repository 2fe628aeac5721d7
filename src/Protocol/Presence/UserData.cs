using System.Text.Json;

namespace Broadcaster.Protocol.Presence;

/// <summary>The identity a connection signs in with (<c>pusher:signin</c>, PROTOCOL.md 5.1).</summary>
public sealed record UserData(string Id, string UserInfoJson)
{
    public PresenceMember AsMember() => new(Id, UserInfoJson);

    public static bool TryParse(string? userData, out UserData? user)
    {
        user = null;
        if (string.IsNullOrEmpty(userData)) return false;
        try
        {
            using var doc = JsonDocument.Parse(userData);
            var root = doc.RootElement;
            // pusher-js requires a non-empty string id; accept nothing else so both sides agree.
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id) ||
                id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } userId)
                return false;
            var info = root.TryGetProperty("user_info", out var ui) ? ui.GetRawText() : "{}";
            user = new UserData(userId, info);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
