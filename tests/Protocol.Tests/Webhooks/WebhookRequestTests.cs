using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Protocol.Tests.Webhooks;

/// <summary>PROTOCOL.md 7: webhook bodies, their signature, and which endpoint wants what.</summary>
public class WebhookRequestTests
{
    [Fact]
    public void A_single_event_body_is_the_vector_byte_for_byte_with_its_signature()
    {
        var v = Vectors.Get("webhooks", "wh-channel-occupied");
        var app = Vectors.AppOf(v);
        var request = WebhookRequest.Build(1700000000123, [WebhookEvent.ChannelOccupied("presence-room.1")], app.Secret);
        Assert.Equal(v.Str("body"), Encoding.UTF8.GetString(request.Body));
        Assert.Equal(v.GetProperty("headers").Str("X-Pusher-Signature"), request.Signature);
    }

    [Fact]
    public void A_batch_is_the_vector_byte_for_byte_with_client_event_data_as_a_string()
    {
        var v = Vectors.Get("webhooks", "wh-batch");
        var app = Vectors.AppOf(v);
        var request = WebhookRequest.Build(1700000000456,
        [
            WebhookEvent.MemberAdded("presence-room.1", "42"),
            WebhookEvent.ClientEvent("presence-room.1", "client-typing", """{"typing":true}""", "123456.7890123", "42"),
            WebhookEvent.ChannelVacated("orders"),
        ], app.Secret);
        Assert.Equal(v.Str("body"), Encoding.UTF8.GetString(request.Body));
        Assert.Equal(v.GetProperty("headers").Str("X-Pusher-Signature"), request.Signature);
    }

    [Theory]
    [InlineData("\"hello\"", "hello")]
    [InlineData("{\"a\":[1,2]}", "{\"a\":[1,2]}")]
    [InlineData("42", "42")]
    [InlineData(null, "")]
    public void Client_event_data_is_the_text_of_a_string_and_the_json_of_anything_else(string? raw, string expected)
    {
        var e = WebhookEvent.ClientEvent("private-c", "client-x", raw, "1.2", null);
        Assert.Equal(expected, e.Data);
        var body = JsonDocument.Parse(WebhookRequest.Build(1, [e], "s").Body).RootElement.GetProperty("events")[0];
        Assert.False(body.TryGetProperty("user_id", out _));
        Assert.Equal("1.2", body.GetProperty("socket_id").GetString());
    }

    [Fact]
    public void Subscription_count_and_cache_miss_carry_their_fields()
    {
        var body = Encoding.UTF8.GetString(WebhookRequest.Build(5, [WebhookEvent.Count("orders", 12), WebhookEvent.CacheMiss("cache-p")], "s").Body);
        Assert.Equal("""{"time_ms":5,"events":[{"name":"subscription_count","channel":"orders","subscription_count":12},{"name":"cache_miss","channel":"cache-p"}]}""", body);
    }

    [Fact]
    public void An_endpoint_wants_its_event_types_on_the_channels_its_filter_lets_through()
    {
        var hook = new Webhook("http://x/", new HashSet<string> { Webhook.ChannelOccupied, Webhook.MemberAdded }, "presence-", ".1");
        Assert.True(hook.Wants(Webhook.ChannelOccupied, "presence-room.1"));
        Assert.True(hook.Wants(Webhook.MemberAdded, "presence-.1"));
        Assert.False(hook.Wants(Webhook.ChannelVacated, "presence-room.1"));
        Assert.False(hook.Wants(Webhook.ChannelOccupied, "private-room.1"));
        Assert.False(hook.Wants(Webhook.ChannelOccupied, "presence-room.2"));
        Assert.True(new Webhook("http://x/", new HashSet<string> { Webhook.CacheMiss }).Wants(Webhook.CacheMiss, "anything"));
    }
}
