namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// The WebSocket-level keep-alive the server sends on its own so that proxies (nginx: proxy_read_timeout 60 s) do not
/// cut idle connections: a control frame once a connection was sent nothing for a whole interval, whatever the Pusher
/// activity timeout. A connection that is sent messages needs none.
/// </summary>
public class ProxyKeepAliveTests(FastKeepAliveFixture fixture) : IClassFixture<FastKeepAliveFixture>
{
    private static readonly TimeSpan Interval = FastKeepAliveFixture.Interval;

    [Fact]
    public async Task Idle_connection_gets_an_unmasked_control_frame_within_two_intervals()
    {
        await using var socket = await RawWebSocket.ConnectPusherAsync(fixture.Server.Port);
        // connection_established counts as traffic: the first round may pass it by, the next one may not.
        var frame = await socket.ReadFrameAsync(2 * Interval + TimeSpan.FromSeconds(3));
        // An unsolicited pong (RFC 6455 5.5.3 allows it as a heartbeat); a ping would be as good and needs an answer.
        Assert.True(frame is { Opcode: RawFrame.Pong or RawFrame.Ping, Fin: true, Masked: false, Rsv: 0 }, $"Expected a keep-alive control frame but got {frame}");
        Assert.True(frame.Payload.Length <= 125, $"A control frame of {frame.Payload.Length} bytes");
        if (frame.Opcode == RawFrame.Ping) await socket.WriteAsync(RawFrame.Encode(RawFrame.Pong, frame.Payload));
        await socket.PingPongAsync();
    }

    [Fact]
    public async Task Connection_that_is_sent_messages_gets_no_keep_alive()
    {
        await using var socket = await RawWebSocket.ConnectPusherAsync(fixture.Server.Port);
        // Every 500 ms a pusher:ping, answered with pusher:pong: never a whole interval without a message to the client.
        var until = DateTime.UtcNow + 3 * Interval;
        var pongs = 0;
        while (DateTime.UtcNow < until)
        {
            await socket.SendTextAsync("""{"event":"pusher:ping","data":{}}""");
            var frame = await socket.ReadFrameAsync(TimeSpan.FromSeconds(5));
            Assert.True(frame.Opcode == RawFrame.Text, $"Expected only pusher:pong but got {frame}");
            Assert.Equal("pusher:pong", new Frame(frame.PayloadText).Event);
            pongs++;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        Assert.True(pongs >= 6, $"only {pongs} rounds");
    }
}
