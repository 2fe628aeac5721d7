using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.Baseline;

/// <summary>The whole WebSocket frames the baseline sends, built once and written as they are to every socket.</summary>
public static class BaselineFrames
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly byte[] Pong = Text("{\"event\":\"pusher:pong\",\"data\":{}}");

    public static byte[] ConnectionEstablished(string socketId) =>
        Text($$$"""{"event":"pusher:connection_established","data":"{\"socket_id\":\"{{{socketId}}}\",\"activity_timeout\":120}"}""");

    public static byte[] SubscriptionSucceeded(string channel) =>
        Event("pusher_internal:subscription_succeeded", channel, "{}");

    /// <summary>An event in the same shape as our server writes it: event, channel, data.</summary>
    public static byte[] Event(string name, string channel, string data)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Relaxed))
        {
            json.WriteStartObject();
            json.WriteString("event", name);
            json.WriteString("channel", channel);
            json.WriteString("data", data);
            json.WriteEndObject();
        }
        return FrameWriter.ServerFrame(FrameHeader.Text, stream.ToArray());
    }

    public static byte[] Close(int code)
    {
        Span<byte> payload = [(byte)(code >> 8), (byte)code];
        return FrameWriter.ServerFrame(FrameHeader.Close, payload);
    }

    private static byte[] Text(string json) => FrameWriter.ServerFrame(FrameHeader.Text, Encoding.UTF8.GetBytes(json));
}
