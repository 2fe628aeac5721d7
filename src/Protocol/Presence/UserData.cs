using System.Text.Json;

namespace Broadcaster.Protocol.Presence;

/// <summary>
/// The identity a connection signs in with (<c>pusher:signin</c>, PROTOCOL.md 5.1): its id, the <c>user_info</c> shown
/// to presence members when it subscribes without <c>channel_data</c>, and the <c>watchlist</c> of user ids whose online
/// status it follows (5.4).
/// </summary>
public sealed record UserData(string Id, string UserInfoJson, IReadOnlyList<string> Watchlist)
{
    /// <summary>Pusher's limit on the ids of one watchlist.</summary>
    public const int MaxWatchlist = 100;

    public PresenceMember AsMember() => new(Id, UserInfoJson);

    /// <summary>
    /// Reads <c>user_data</c>. The id must be a non-empty string or a number, read as its decimal text as other servers
    /// do (pusher-js itself wants a string, so such a client fails on its side, not on ours). Watchlist entries that are
    /// neither strings nor numbers are skipped; the list is kept whatever its length, for the caller to refuse.
    /// </summary>
    public static bool TryParse(string? userData, out UserData? user)
    {
        user = null;
        if (string.IsNullOrEmpty(userData)) return false;
        try
        {
            using var doc = JsonDocument.Parse(userData);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id) ||
                !ChannelData.TryReadUserId(id, out var userId))
                return false;
            var info = root.TryGetProperty("user_info", out var ui) ? ui.GetRawText() : "{}";
            var watchlist = new List<string>();
            if (root.TryGetProperty("watchlist", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (ChannelData.TryReadUserId(entry, out var watched) && !watchlist.Contains(watched)) watchlist.Add(watched);
                }
            }
            user = new UserData(userId, info, watchlist);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
