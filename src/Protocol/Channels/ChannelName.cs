namespace Broadcaster.Protocol.Channels;

/// <summary>Channel naming rules (PROTOCOL.md 2.1, 2.2).</summary>
public static class ChannelName
{
    public const string ServerToUserPrefix = "#server-to-user-";

    /// <summary>
    /// Letters, digits and <c>_ - = @ , . ;</c> only. A ':' must never pass: the signed string is
    /// <c>socket_id:channel[:channel_data]</c>, so it would let two requests share a signature.
    /// </summary>
    public static bool IsValid(string? name, int maxLength, bool allowServerToUser = false)
    {
        if (string.IsNullOrEmpty(name) || name.Length > maxLength) return false;
        var body = name.AsSpan();
        if (name.StartsWith(ServerToUserPrefix, StringComparison.Ordinal))
        {
            if (!allowServerToUser || name.Length == ServerToUserPrefix.Length) return false;
            body = body[1..];
        }
        foreach (var c in body)
        {
            if (!IsAllowed(c)) return false;
        }
        return true;
    }

    private static bool IsAllowed(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9'
          or '_' or '-' or '=' or '@' or ',' or '.' or ';';

    /// <summary>The first matching prefix wins; cache variants share their base type.</summary>
    public static ChannelType TypeOf(string name)
    {
        if (name.StartsWith("private-encrypted-", StringComparison.Ordinal)) return ChannelType.PrivateEncrypted;
        if (name.StartsWith("private-", StringComparison.Ordinal)) return ChannelType.Private;
        if (name.StartsWith("presence-", StringComparison.Ordinal)) return ChannelType.Presence;
        if (name.StartsWith(ServerToUserPrefix, StringComparison.Ordinal)) return ChannelType.ServerToUser;
        return ChannelType.Public;
    }

    public static bool RequiresAuth(ChannelType type) =>
        type is ChannelType.Private or ChannelType.Presence or ChannelType.PrivateEncrypted;

    public static bool AllowsClientEvents(ChannelType type) =>
        type is ChannelType.Private or ChannelType.Presence;

    public static bool IsCache(string name) =>
        name.StartsWith("cache-", StringComparison.Ordinal) ||
        name.StartsWith("private-cache-", StringComparison.Ordinal) ||
        name.StartsWith("private-encrypted-cache-", StringComparison.Ordinal) ||
        name.StartsWith("presence-cache-", StringComparison.Ordinal);
}
