using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Protocol.Presence;

/// <summary>Reads presence <c>channel_data</c> (PROTOCOL.md 2.6). Numeric user ids are the same user as their string form.</summary>
public static class ChannelData
{
    public static bool TryParse(string? channelData, ProtocolLimits limits, out PresenceMember? member, out string error) =>
        TryParse(channelData, limits, out member, out error, out _);

    /// <param name="errorType">
    /// The <c>pusher:subscription_error</c> type of a refusal: <c>LimitReached</c> for a <c>user_info</c> over the limit
    /// (PROTOCOL.md 2.9), <c>AuthError</c> for anything else.
    /// </param>
    public static bool TryParse(string? channelData, ProtocolLimits limits, out PresenceMember? member, out string error, out string errorType)
    {
        member = null;
        errorType = "AuthError";
        if (string.IsNullOrEmpty(channelData))
        {
            error = "Presence channels require channel_data with a user_id";
            return false;
        }
        try
        {
            using var doc = JsonDocument.Parse(channelData);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("user_id", out var id))
            {
                error = "channel_data must be a JSON object with a user_id";
                return false;
            }
            if (!TryReadUserId(id, out var userId) || userId.Length > limits.MaxUserIdLength)
            {
                error = $"user_id must be a non-empty string or number of at most {limits.MaxUserIdLength} characters";
                return false;
            }
            var info = root.TryGetProperty("user_info", out var ui) ? ui.GetRawText() : "{}";
            if (Encoding.UTF8.GetByteCount(info) > limits.MaxUserInfoBytes)
            {
                error = $"user_info is larger than {limits.MaxUserInfoBytes} bytes";
                errorType = "LimitReached";
                return false;
            }
            member = new PresenceMember(userId, info);
            error = "";
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            error = "channel_data is not valid JSON";
            return false;
        }
    }

    public static bool TryReadUserId(JsonElement id, out string userId)
    {
        userId = id.ValueKind switch
        {
            JsonValueKind.String => id.GetString() ?? "",
            JsonValueKind.Number => id.GetRawText(),
            _ => "",
        };
        return userId.Length > 0;
    }
}
