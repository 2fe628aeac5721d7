using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Protocol.Apps;

/// <summary>One tenant: what the Pusher dashboard calls an app.</summary>
/// <param name="EnableSubscriptionCount">Sends <c>pusher_internal:subscription_count</c> on non-presence channels (PROTOCOL.md 2.10).</param>
/// <param name="EnableWatchlistEvents">Sends watchlist online/offline events to signed-in users (5.4).</param>
/// <param name="Webhooks">Endpoints the cluster sends this app's webhooks to (7).</param>
public sealed record PusherApp(
    string Id,
    string Key,
    string Secret,
    string Name = "",
    bool Enabled = true,
    int MaxConnections = -1,
    bool EnableClientMessages = false,
    bool EnableUserAuthentication = false,
    IReadOnlyList<string>? AllowedOrigins = null,
    bool EnableSubscriptionCount = false,
    bool EnableWatchlistEvents = false,
    IReadOnlyList<Webhook>? Webhooks = null)
{
    /// <summary>Whether any endpoint wants <paramref name="eventType"/> at all (the per-channel filter aside).</summary>
    public bool WantsWebhook(string eventType) => Webhooks is { } hooks && hooks.Any(h => h.EventTypes.Contains(eventType));

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
