using System.Text.Json;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// Subscription messages the load generator sends besides a public channel's subscribe: a presence member's
/// <c>pusher:subscribe</c>, signed as an app's auth endpoint signs it, and <c>pusher:unsubscribe</c>.
/// </summary>
public static class SubscribeMessages
{
    /// <summary>Subscribes socket <paramref name="socketId"/> to <paramref name="channel"/> as user <paramref name="userId"/> (no user info).</summary>
    public static byte[] Presence(BenchApp app, string socketId, string channel, string userId)
    {
        var channelData = JsonSerializer.Serialize(new Dictionary<string, object> { ["user_id"] = userId, ["user_info"] = new Dictionary<string, string>() });
        var auth = $"{app.Key}:{PusherSignature.Sign(app.Secret, PusherSignature.ChannelStringToSign(socketId, channel, channelData))}";
        return Json(w =>
        {
            w.WriteString("event", "pusher:subscribe");
            w.WriteStartObject("data");
            w.WriteString("channel", channel);
            w.WriteString("auth", auth);
            w.WriteString("channel_data", channelData);
            w.WriteEndObject();
        });
    }

    public static byte[] Unsubscribe(string channel) => Json(w =>
    {
        w.WriteString("event", "pusher:unsubscribe");
        w.WriteStartObject("data");
        w.WriteString("channel", channel);
        w.WriteEndObject();
    });

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}
