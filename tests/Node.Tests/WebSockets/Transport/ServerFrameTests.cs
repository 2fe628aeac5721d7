namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>RFC 6455 5.1-5.2 from the other side: what the server's own frames look like on the wire.</summary>
public class ServerFrameTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private int Port => fixture.Server.Port;

    /// <summary>A Pusher message the way this server sends it: one unmasked, final text frame without reserved bits.</summary>
    private static Frame AssertSingleTextFrame(RawFrame frame, string eventName)
    {
        Assert.True(frame is { Opcode: RawFrame.Text, Fin: true, Masked: false, Rsv: 0 }, $"Expected a single text frame but got {frame}");
        var message = new Frame(frame.PayloadText);
        Assert.Equal(eventName, message.Event);
        return message;
    }

    [Fact]
    public async Task Pusher_messages_are_single_unmasked_text_frames()
    {
        await using var socket = await RawWebSocket.ConnectAsync(Port);
        AssertSingleTextFrame(await socket.ReadFrameAsync(), "pusher:connection_established");

        await socket.SendTextAsync(PusherMessages.Ping);
        AssertSingleTextFrame(await socket.ReadFrameAsync(), "pusher:pong");

        await socket.SendTextAsync("not json");
        AssertSingleTextFrame(await socket.ReadFrameAsync(), "pusher:error");

        await socket.SendTextAsync(PusherMessages.Subscribe("transport-server-frames"));
        AssertSingleTextFrame(await socket.ReadFrameAsync(), "pusher_internal:subscription_succeeded");

        await fixture.Server.Api().TriggerOkAsync("transport-server-frames", "small", "hello");
        var small = AssertSingleTextFrame(await socket.ReadFrameAsync(), "small");
        Assert.Equal("hello", small.DataString);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1_000)]
    [InlineData(TransportFixture.MaxEventDataBytes)]
    public async Task Events_of_every_length_encoding_arrive_whole(int size)
    {
        // Event data of 1,000 bytes needs the 16-bit length, of 80,000 the 64-bit one (or several frames).
        var channel = $"transport-event-{size}";
        await using var socket = await RawWebSocket.ConnectPusherAsync(Port);
        await socket.SendTextAsync(PusherMessages.Subscribe(channel));
        await socket.ExpectSubscribedAsync(channel);
        var data = string.Concat(Enumerable.Range(0, size).Select(i => (char)('a' + i % 26)));
        await fixture.Server.Api().TriggerOkAsync(channel, "sized", data);
        var frame = await socket.ExpectPusherAsync("sized");
        Assert.Equal(data, frame.DataString);
    }

    [Fact]
    public async Task Refusal_close_frame_is_unmasked_and_carries_the_code_and_reason()
    {
        await using var socket = await RawWebSocket.ConnectAsync(Port, "/app/no-such-key" + PusherClient.DefaultQuery);
        var error = AssertSingleTextFrame(await socket.ReadFrameAsync(), "pusher:error");
        Assert.Equal(4001, error.ErrorCode);
        var close = await socket.ReadFrameAsync();
        Assert.True(close is { Opcode: RawFrame.Close, Fin: true, Masked: false, Rsv: 0 }, $"Expected a close frame but got {close}");
        Assert.True(close.Payload.Length <= 125, $"A control frame of {close.Payload.Length} bytes");
        Assert.Equal(4001, close.CloseCode);
        Assert.Equal("Application does not exist", close.CloseReason);
    }
}
