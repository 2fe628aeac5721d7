using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broadcaster.Protocol.Channels;

namespace Broadcaster.Protocol.Http;

/// <summary>JSON bodies of the HTTP API. Maps are always objects, <c>{}</c> when empty (PROTOCOL.md 6.1).</summary>
public static class ApiResponses
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Empty { get; } = "{}"u8.ToArray();

    public static byte[] Error(string message) => Build(w => w.WriteString("error", message));

    /// <summary><c>POST /events</c> with <c>info</c>: an entry for every requested channel, occupied or not (6.3), with what <c>info</c> asks for.</summary>
    public static byte[] TriggerInfo(IEnumerable<ChannelInfo> channels, IReadOnlySet<string> info) => List(channels, info, withCounts: false);

    /// <summary><c>POST /batch_events</c>: one object per item, empty for items without <c>info</c> (6.4).</summary>
    public static byte[] BatchInfo(IReadOnlyList<(ChannelInfo Channel, IReadOnlySet<string> Info)> items) =>
        Build(w =>
        {
            w.WriteStartArray("batch");
            foreach (var (channel, info) in items)
            {
                w.WriteStartObject();
                WriteAttributes(w, channel, info, withOccupied: false, withCounts: false);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

    /// <summary>
    /// <c>GET /channels</c> (6.5): <c>{"channels":{name:{attributes}}}</c>. Every entry carries its
    /// <c>subscription_count</c> (and presence channels their <c>user_count</c>) whatever <c>info</c> asks: soketi does,
    /// and clients and test suites written against it read them without asking.
    /// </summary>
    public static byte[] ChannelList(IEnumerable<ChannelInfo> channels, IReadOnlySet<string> info) => List(channels, info, withCounts: true);

    /// <summary>
    /// <c>GET /channels/{name}</c> (6.6): <c>occupied</c> and <c>subscription_count</c> always, <c>user_count</c> on
    /// presence channels always, and <c>cache</c> (the cached event of a cache channel) when <c>info=cache</c> asks.
    /// </summary>
    public static byte[] Channel(ChannelInfo channel, IReadOnlySet<string> info, CachedEvent? cached = null) =>
        Build(w =>
        {
            WriteAttributes(w, channel, info, withOccupied: true, withCounts: true);
            if (info.Contains("cache") && ChannelName.IsCache(channel.Name) && cached is not null)
            {
                w.WriteStartObject("cache");
                w.WriteString("event", cached.Event);
                w.WriteString("data", cached.Data);
                w.WriteNumber("ttl", cached.TtlSeconds);
                w.WriteEndObject();
            }
        });

    private static byte[] List(IEnumerable<ChannelInfo> channels, IReadOnlySet<string> info, bool withCounts) =>
        Build(w =>
        {
            w.WriteStartObject("channels");
            foreach (var c in channels)
            {
                w.WriteStartObject(c.Name);
                WriteAttributes(w, c, info, withOccupied: false, withCounts);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        });

    /// <summary><c>GET /channels/{name}/users</c> (6.7).</summary>
    public static byte[] Users(IEnumerable<string> userIds) =>
        Build(w =>
        {
            w.WriteStartArray("users");
            foreach (var id in userIds)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });

    private static void WriteAttributes(Utf8JsonWriter w, ChannelInfo c, IReadOnlySet<string> info, bool withOccupied, bool withCounts)
    {
        if (withOccupied) w.WriteBoolean("occupied", c.Occupied);
        if ((withCounts || info.Contains("user_count")) && ChannelName.TypeOf(c.Name) == ChannelType.Presence) w.WriteNumber("user_count", c.UserCount);
        if (withCounts || info.Contains("subscription_count")) w.WriteNumber("subscription_count", c.SubscriptionCount);
    }

    private static byte[] Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
