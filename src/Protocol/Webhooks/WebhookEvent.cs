using System.Text.Json;

namespace Broadcaster.Protocol.Webhooks;

/// <summary>One entry of a webhook's <c>events</c> array (PROTOCOL.md 7.3), with the fields its type carries.</summary>
public sealed record WebhookEvent(
    string Name,
    string Channel,
    string? UserId = null,
    string? Event = null,
    string? Data = null,
    string? SocketId = null,
    int? SubscriptionCount = null)
{
    public static WebhookEvent ChannelOccupied(string channel) => new(Webhook.ChannelOccupied, channel);

    public static WebhookEvent ChannelVacated(string channel) => new(Webhook.ChannelVacated, channel);

    public static WebhookEvent MemberAdded(string channel, string userId) => new(Webhook.MemberAdded, channel, userId);

    public static WebhookEvent MemberRemoved(string channel, string userId) => new(Webhook.MemberRemoved, channel, userId);

    public static WebhookEvent CacheMiss(string channel) => new(Webhook.CacheMiss, channel);

    public static WebhookEvent Count(string channel, int subscriptionCount) =>
        new(Webhook.SubscriptionCount, channel, SubscriptionCount: subscriptionCount);

    /// <summary>
    /// A relayed client event. <c>data</c> is a string, as Pusher documents it: the text itself when the client sent
    /// a string, the JSON text of anything else it sent (pusher-js sends objects). <c>user_id</c> on presence channels.
    /// </summary>
    public static WebhookEvent ClientEvent(string channel, string eventName, string? rawData, string socketId, string? userId)
    {
        string data = "";
        if (rawData is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(rawData);
                data = doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() ?? "" : rawData;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                data = rawData;
            }
        }
        return new(Webhook.ClientEvent, channel, userId, eventName, data, socketId);
    }

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("name", Name);
        w.WriteString("channel", Channel);
        if (Event is not null) w.WriteString("event", Event);
        if (Data is not null) w.WriteString("data", Data);
        if (SocketId is not null) w.WriteString("socket_id", SocketId);
        if (UserId is not null) w.WriteString("user_id", UserId);
        if (SubscriptionCount is { } n) w.WriteNumber("subscription_count", n);
        w.WriteEndObject();
    }
}
