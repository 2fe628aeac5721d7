namespace Broadcaster.Protocol.Apps;

/// <summary>One tenant: what the Pusher dashboard calls an app.</summary>
public sealed record PusherApp(
    string Id,
    string Key,
    string Secret,
    string Name = "",
    bool Enabled = true,
    int MaxConnections = -1,
    bool EnableClientMessages = false,
    bool EnableUserAuthentication = false,
    IReadOnlyList<string>? AllowedOrigins = null)
{
    public bool IsOriginAllowed(string? origin)
    {
        if (AllowedOrigins is null || AllowedOrigins.Count == 0 || AllowedOrigins.Contains("*")) return true;
        if (string.IsNullOrEmpty(origin)) return false;
        foreach (var allowed in AllowedOrigins)
        {
            if (string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase)) return true;
            // "*.example.com" style wildcards, as soketi and Reverb accept.
            if (allowed.StartsWith("*.", StringComparison.Ordinal) &&
                origin.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
