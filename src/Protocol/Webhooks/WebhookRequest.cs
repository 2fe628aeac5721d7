using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Webhooks;

/// <summary>
/// The body and signature of one webhook request (PROTOCOL.md 7.1, 7.2): <c>{"time_ms":...,"events":[...]}</c>,
/// signed over exactly those bytes with the app secret, which go out unchanged.
/// </summary>
public sealed record WebhookRequest(byte[] Body, string Signature)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="timeMs">When the webhook was created (its first event), Unix milliseconds: receivers see delays.</param>
    public static WebhookRequest Build(long timeMs, IEnumerable<WebhookEvent> events, string secret)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("time_ms", timeMs);
            w.WriteStartArray("events");
            foreach (var e in events) e.WriteTo(w);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var body = buffer.WrittenSpan.ToArray();
        return new WebhookRequest(body, PusherSignature.Sign(secret, body));
    }
}
