namespace Broadcaster.Protocol.Webhooks;

/// <summary>
/// One webhook endpoint of an app (PROTOCOL.md 7): where to POST, which event types it wants, an optional channel-name
/// filter and extra headers sent with every request.
/// </summary>
public sealed record Webhook(
    string Url,
    IReadOnlySet<string> EventTypes,
    string ChannelNameStartsWith = "",
    string ChannelNameEndsWith = "",
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public const string ChannelOccupied = "channel_occupied";
    public const string ChannelVacated = "channel_vacated";
    public const string MemberAdded = "member_added";
    public const string MemberRemoved = "member_removed";
    public const string ClientEvent = "client_event";
    public const string CacheMiss = "cache_miss";
    public const string SubscriptionCount = "subscription_count";

    /// <summary>Every event type Pusher sends (7.3), by its name in the webhook body.</summary>
    public static IReadOnlyList<string> AllEventTypes { get; } =
        [ChannelOccupied, ChannelVacated, MemberAdded, MemberRemoved, ClientEvent, CacheMiss, SubscriptionCount];

    /// <summary>Whether this endpoint receives <paramref name="eventType"/> events of <paramref name="channel"/>.</summary>
    public bool Wants(string eventType, string channel) =>
        EventTypes.Contains(eventType) &&
        channel.StartsWith(ChannelNameStartsWith, StringComparison.Ordinal) &&
        channel.EndsWith(ChannelNameEndsWith, StringComparison.Ordinal);
}
