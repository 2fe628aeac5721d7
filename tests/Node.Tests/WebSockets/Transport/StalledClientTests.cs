namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// A client that stops in the middle of a frame and never sends another byte: only the server's liveness (PROTOCOL.md
/// 1.4) can end it. A class of its own because it waits through both timeouts, beside the other tests rather than after them.
/// </summary>
public class StalledClientTests
{
    [Fact]
    public async Task Partial_frame_then_silence_is_closed_by_the_activity_and_pong_timeouts()
    {
        var options = TestServers.DefaultOptions() with { ActivityTimeout = TimeSpan.FromSeconds(1), PongTimeout = TimeSpan.FromSeconds(1) };
        await using var server = await TestServers.StartAsync(options);
        await using var socket = await RawWebSocket.ConnectPusherAsync(server.Port, AbruptDisconnectTests.LimitedTarget);
        var frame = RawFrame.Encode(RawFrame.Text, PusherMessages.Ping);
        await socket.WriteAsync(frame.AsMemory(0, 5));

        // Stuck inside its frame, the client cannot answer anything: the server must give up on it by itself.
        var close = await socket.ExpectCloseAsync(AbruptDisconnectTests.Bound, answer: false);
        Assert.Equal(4201, close.Code);
        Assert.Contains(close.Before, f => f.Event == "pusher:error" && f.ErrorCode == 4201);
        Assert.True(close.TcpClosed, "The server kept the TCP connection of a client that never finished its frame");
        await AbruptDisconnectTests.AssertFreedAndServingAsync(server);
    }
}
