namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// PROTOCOL.md 1.4 on the wire: the two keep-alives. <c>pusher:ping</c> is a Pusher message in a text frame, sent when
/// the client has been silent for activity_timeout; WebSocket ping and pong are control frames, and any frame the
/// client sends, control frames included, proves it alive.
/// </summary>
public class KeepAliveTests(FastLivenessFixture fixture) : IClassFixture<FastLivenessFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    /// <summary>The proxy keep-alive (an unsolicited pong, see ProxyKeepAliveTests) may come at any point: it asks nothing.</summary>
    private static async Task<RawFrame> ReadSkippingProxyKeepAliveAsync(RawWebSocket socket)
    {
        var frame = await socket.ReadFrameAsync(Bound);
        while (frame.Opcode == RawFrame.Pong) frame = await socket.ReadFrameAsync(Bound);
        return frame;
    }

    [Fact]
    public async Task Silent_client_gets_pusher_ping_in_a_text_frame_and_a_pusher_pong_keeps_it_open()
    {
        await using var socket = await RawWebSocket.ConnectPusherAsync(fixture.Server.Port);
        for (var round = 0; round < 3; round++)
        {
            var frame = await ReadSkippingProxyKeepAliveAsync(socket);
            Assert.True(frame is { Opcode: RawFrame.Text, Fin: true, Masked: false, Rsv: 0 }, $"Expected a text frame but got {frame}");
            Assert.Equal("pusher:ping", new Frame(frame.PayloadText).Event);
            await socket.SendTextAsync("""{"event":"pusher:pong","data":{}}""");
        }
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Client_that_answers_with_control_frames_only_stays_open()
    {
        await using var socket = await RawWebSocket.ConnectPusherAsync(fixture.Server.Port);
        // Three rounds span well over activity timeout + pong timeout.
        for (var round = 0; round < 3; round++)
        {
            var frame = await ReadSkippingProxyKeepAliveAsync(socket);
            if (frame.Opcode == RawFrame.Ping)
            {
                await socket.WriteAsync(RawFrame.Encode(RawFrame.Pong, frame.Payload));
                continue;
            }
            Assert.True(frame.Opcode == RawFrame.Text && new Frame(frame.PayloadText).Event == "pusher:ping", $"Expected a keep-alive but got {frame}");
            await socket.WriteAsync(RawFrame.Encode(RawFrame.Ping, "alive"));
            var pong = await socket.ReadFrameAsync(Bound);
            Assert.True(pong is { Opcode: RawFrame.Pong, Masked: false }, $"Expected a pong but got {pong}");
        }
        await socket.PingPongAsync();
    }
}
