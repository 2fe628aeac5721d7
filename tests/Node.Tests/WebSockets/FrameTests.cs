using System.Net.WebSockets;
using System.Text;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 1.2, 1.4, 1.5, 10.21-22: ping/pong, envelope encodings and malformed input.</summary>
public class FrameTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Ping_is_answered_with_pong()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"pusher:ping","data":{}}""");
        var pong = await client.ExpectAsync("pusher:pong");
        Assert.Null(pong.Channel);
        // Without data too.
        await client.SendAsync("""{"event":"pusher:ping"}""");
        await client.ExpectAsync("pusher:pong");
    }

    [Fact]
    public async Task Pong_from_the_client_is_accepted_silently()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"pusher:pong","data":{}}""");
        await client.SendAsync("""{"event":"pusher:pong"}""");
        // The next frame must be the answer to this ping, not an error about the pongs.
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Subscribe_data_as_object_and_as_json_string_both_work()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"pusher:subscribe","data":{"channel":"frames-object","auth":""}}""");
        var a = await client.ExpectAsync("pusher_internal:subscription_succeeded");
        Assert.Equal("frames-object", a.Channel);
        Assert.Equal("{}", a.DataString);

        await client.SendAsync("""{"event":"pusher:subscribe","data":"{\"channel\":\"frames-string\",\"auth\":\"\"}"}""");
        var b = await client.ExpectAsync("pusher_internal:subscription_succeeded");
        Assert.Equal("frames-string", b.Channel);
        Assert.Equal("{}", b.DataString);

        // Private channel with the auth inside a double-encoded data string.
        var channel = "private-frames-string";
        var inner = JsonSerializer.Serialize(new { channel, auth = client.Auth(channel) });
        await client.SendJsonAsync(new { @event = "pusher:subscribe", data = inner });
        Assert.Equal(channel, (await client.ExpectAsync("pusher_internal:subscription_succeeded")).Channel);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"event\":")]
    [InlineData("[1,2,3]")]
    [InlineData("\"pusher:ping\"")]
    [InlineData("42")]
    [InlineData("{\"data\":{}}")]
    [InlineData("{\"event\":42}")]
    [InlineData("{\"event\":\"pusher:foo\",\"data\":{}}")]
    [InlineData("{\"event\":\"my-event\",\"channel\":\"frames-x\",\"data\":{}}")]
    public async Task Malformed_or_unknown_frames_get_an_error_and_the_connection_stays_open(string text)
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync(text);
        await client.ExpectAsync("pusher:error");
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Non_client_event_is_not_relayed_to_other_subscribers()
    {
        await using var sender = await fixture.Server.ConnectAsync();
        await using var receiver = await fixture.Server.ConnectAsync();
        await sender.SubscribeAsync("frames-relay");
        await receiver.SubscribeAsync("frames-relay");
        await sender.SendAsync("""{"event":"my-event","channel":"frames-relay","data":{"x":1}}""");
        await sender.ExpectAsync("pusher:error");
        await fixture.Server.Api().TriggerOkAsync("frames-relay", "barrier", "b");
        Assert.Equal("barrier", (await receiver.ReceiveAsync()).Event);
        Assert.Equal("barrier", (await sender.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Binary_frame_closes_with_1003()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync(Encoding.UTF8.GetBytes("""{"event":"pusher:ping","data":{}}"""), WebSocketMessageType.Binary);
        Assert.Equal(1003, await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Message_over_the_size_limit_closes_with_1009_and_other_clients_are_unaffected()
    {
        await using var bystander = await fixture.Server.ConnectAsync();
        await bystander.SubscribeAsync("frames-bystander");
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("frames-bystander");

        var max = fixture.Server.Options.Limits.MaxMessageBytes;
        var big = $"{{\"event\":\"pusher:ping\",\"data\":{{\"pad\":\"{new string('x', max)}\"}}}}";
        await client.SendAsync(big);
        Assert.Equal(1009, await client.ExpectCloseAsync());

        await fixture.Server.Api().TriggerOkAsync("frames-bystander", "still-here", "ok");
        var frame = await bystander.ExpectAsync("still-here");
        Assert.Equal("ok", frame.DataString);
        await bystander.PingPongAsync();
    }

    [Fact]
    public async Task Message_exactly_at_the_size_limit_is_accepted()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var max = fixture.Server.Options.Limits.MaxMessageBytes;
        var prefix = "{\"event\":\"pusher:ping\",\"data\":{\"pad\":\"";
        var suffix = "\"}}";
        var text = prefix + new string('x', max - prefix.Length - suffix.Length) + suffix;
        Assert.Equal(max, Encoding.UTF8.GetByteCount(text));
        await client.SendAsync(text);
        await client.ExpectAsync("pusher:pong");
    }
}
