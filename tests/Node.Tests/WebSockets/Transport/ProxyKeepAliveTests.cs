namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// The WebSocket-level keep-alive the server sends on its own so that proxies (nginx: proxy_read_timeout 60 s) do not
/// cut idle connections: a control frame every 25 seconds, whatever the Pusher activity timeout.
/// </summary>
public class ProxyKeepAliveTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Idle_connection_gets_an_unmasked_control_frame_within_the_interval()
    {
        await using var socket = await RawWebSocket.ConnectPusherAsync(fixture.Server.Port);
        var frame = await socket.ReadFrameAsync(Interval + TimeSpan.FromSeconds(5));
        // An unsolicited pong (RFC 6455 5.5.3 allows it as a heartbeat); a ping would be as good and needs an answer.
        Assert.True(frame is { Opcode: RawFrame.Pong or RawFrame.Ping, Fin: true, Masked: false, Rsv: 0 }, $"Expected a keep-alive control frame but got {frame}");
        Assert.True(frame.Payload.Length <= 125, $"A control frame of {frame.Payload.Length} bytes");
        if (frame.Opcode == RawFrame.Ping) await socket.WriteAsync(RawFrame.Encode(RawFrame.Pong, frame.Payload));
        await socket.PingPongAsync();
    }
}
