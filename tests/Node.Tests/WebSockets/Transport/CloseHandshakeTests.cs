namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>RFC 6455 5.5.1, 7.1 and 7.4: the client starts the close handshake; the server answers it and ends TCP.</summary>
public class CloseHandshakeTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private Task<RawWebSocket> ConnectAsync() => RawWebSocket.ConnectPusherAsync(fixture.Server.Port);

    [Theory]
    [InlineData(1000, "bye")]
    [InlineData(1001, "going away")]
    [InlineData(3000, "")]
    [InlineData(4999, "an application's own code")]
    public async Task Client_close_is_answered_with_a_close_frame_and_the_server_ends_tcp(int code, string reason)
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Close, RawFrame.ClosePayload(code, reason)));
        var close = await socket.ExpectCloseAsync(answer: false);
        Assert.Empty(close.Before);
        // The answer typically echoes the client's code (RFC 6455 5.5.1); a plain 1000 is as good.
        Assert.True(close.Code == code || close.Code == 1000, $"Answered {code} with {close.Code}");
        Assert.True(close.TcpClosed, "The server did not close the TCP connection after the close handshake");
    }

    [Fact]
    public async Task Close_without_a_status_code_is_answered()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Close, []));
        var close = await socket.ExpectCloseAsync(answer: false);
        // 1005 means "no code was present" and must never be sent in a close frame (RFC 6455 7.4.1).
        Assert.True(close.Code is null or 1000, $"Answered a close without code with {close.Code}");
        Assert.True(close.TcpClosed, "The server did not close the TCP connection after the close handshake");
    }

    [Fact]
    public async Task Messages_after_the_client_close_frame_are_not_processed()
    {
        await using var socket = await ConnectAsync();
        var write = new MemoryStream();
        write.Write(RawFrame.Encode(RawFrame.Close, RawFrame.ClosePayload(1000)));
        write.Write(RawFrame.Encode(RawFrame.Text, PusherMessages.Ping));
        await socket.WriteAsync(write.ToArray());
        var close = await socket.ExpectCloseAsync(answer: false);
        Assert.True(close.Before.Count == 0, $"The server answered a message sent after the close frame: {string.Join(", ", close.Before)}");
        Assert.True(close.TcpClosed, "The server did not close the TCP connection after the close handshake");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task Close_with_a_code_no_endpoint_may_send_fails_with_1002(int code)
    {
        // Below 1000, 1004-1006 and 1015 (reserved or never on the wire), the unassigned 1016-2999, and 5000 and above.
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Close, RawFrame.ClosePayload(code, "bad")));
        var close = await socket.ExpectCloseAsync(answer: false);
        Assert.Equal(1002, close.Code);
        Assert.True(close.TcpClosed, "The server did not close the TCP connection");
    }

    [Fact]
    public async Task Close_with_a_one_byte_payload_fails_with_1002()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(RawFrame.Encode(RawFrame.Close, [0x03]));
        var close = await socket.ExpectCloseAsync(answer: false);
        Assert.Equal(1002, close.Code);
        Assert.True(close.TcpClosed, "The server did not close the TCP connection");
    }
}
