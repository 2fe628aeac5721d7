using System.Net.Sockets;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>RFC 6455 section 4 on the wire: the upgrade requests the server accepts, and how it refuses the others.</summary>
public class UpgradeTests(TransportFixture fixture) : IClassFixture<TransportFixture>
{
    private int Port => fixture.Server.Port;

    private async Task<(RawWebSocket Socket, RawHttpResponse Response)> SendAsync(byte[] request)
    {
        var socket = await RawWebSocket.OpenTcpAsync(Port);
        await socket.WriteAsync(request);
        return (socket, await socket.ReadResponseAsync());
    }

    private static void AssertUpgraded(RawHttpResponse response, string key)
    {
        Assert.True(response.Status == 101, $"Expected 101 but got {response}");
        Assert.True(response.HeaderHasToken("Upgrade", "websocket"), $"Upgrade header: {response.Header("Upgrade")}");
        Assert.True(response.HeaderHasToken("Connection", "Upgrade"), $"Connection header: {response.Header("Connection")}");
        Assert.Equal(RawWebSocket.AcceptFor(key), response.Header("Sec-WebSocket-Accept"));
        // Nothing was offered, so nothing may be chosen (RFC 6455 4.2.2).
        Assert.Null(response.Header("Sec-WebSocket-Protocol"));
        Assert.Null(response.Header("Sec-WebSocket-Extensions"));
    }

    /// <summary>After the 101 the socket speaks Pusher: connection_established first, then ping answered by pong.</summary>
    private static async Task AssertPusherConnectionAsync(RawWebSocket socket)
    {
        await socket.ExpectPusherAsync("pusher:connection_established");
        await socket.PingPongAsync();
    }

    private static void AssertRefused(RawHttpResponse response, int status) =>
        Assert.True(response.Status == status, $"Expected {status} but got {response}");

    [Fact]
    public async Task Rfc_sample_key_is_answered_with_the_rfc_sample_accept_value()
    {
        Assert.Equal(RawWebSocket.RfcSampleAccept, RawWebSocket.AcceptFor(RawWebSocket.RfcSampleKey));
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, RawWebSocket.UpgradeHeaders(RawWebSocket.RfcSampleKey)));
        await using var _ = socket;
        AssertUpgraded(response, RawWebSocket.RfcSampleKey);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.Header("Sec-WebSocket-Accept"));
        await AssertPusherConnectionAsync(socket);
    }

    [Fact]
    public async Task Random_keys_are_answered_with_their_own_accept_value()
    {
        for (var i = 0; i < 5; i++)
        {
            var key = RawWebSocket.NewKey();
            var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, RawWebSocket.UpgradeHeaders(key)));
            await using var _ = socket;
            AssertUpgraded(response, key);
            await AssertPusherConnectionAsync(socket);
        }
    }

    [Theory]
    [InlineData("websocket", "Upgrade")]
    [InlineData("WebSocket", "upgrade")]
    [InlineData("WEBSOCKET", "UPGRADE")]
    [InlineData("websocket", "keep-alive, Upgrade")]
    [InlineData("websocket", "Upgrade, keep-alive")]
    public async Task Upgrade_and_connection_values_are_matched_case_insensitively_as_tokens(string upgrade, string connection)
    {
        var key = RawWebSocket.NewKey();
        var headers = RawWebSocket.UpgradeHeaders(key);
        headers["Upgrade"] = upgrade;
        headers["Connection"] = connection;
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, headers));
        await using var _ = socket;
        AssertUpgraded(response, key);
        await AssertPusherConnectionAsync(socket);
    }

    [Fact]
    public async Task Header_names_are_case_insensitive()
    {
        var key = RawWebSocket.NewKey();
        var headers = RawWebSocket.UpgradeHeaders(key).ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value);
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, headers));
        await using var _ = socket;
        AssertUpgraded(response, key);
        await AssertPusherConnectionAsync(socket);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAECAwQFBgcICQoLDA0O")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxA=")]
    public async Task Missing_or_malformed_key_is_refused_with_400(string? key)
    {
        // RFC 6455 4.1: the key is base64 of exactly 16 bytes; the last two above decode to 15 and 17.
        var headers = RawWebSocket.UpgradeHeaders(key ?? "");
        if (key is null) headers.Remove("Sec-WebSocket-Key");
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, headers));
        await using var _ = socket;
        AssertRefused(response, 400);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("12")]
    [InlineData("14")]
    public async Task Other_protocol_versions_get_426_naming_version_13(string version)
    {
        // RFC 6455 4.2.2 and 4.4: an unsupported version gets 426 Upgrade Required and the versions the server speaks.
        var headers = RawWebSocket.UpgradeHeaders(RawWebSocket.NewKey());
        headers["Sec-WebSocket-Version"] = version;
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, headers));
        await using var _ = socket;
        AssertRefused(response, 426);
        Assert.True(response.HeaderHasToken("Sec-WebSocket-Version", "13"), $"Sec-WebSocket-Version: {response.Header("Sec-WebSocket-Version")}");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    public async Task Upgrade_with_another_method_than_get_is_refused(string method)
    {
        var headers = RawWebSocket.UpgradeHeaders(RawWebSocket.NewKey());
        headers["Content-Length"] = "0";
        var (socket, response) = await SendAsync(RawWebSocket.Request(method, RawWebSocket.PusherTarget, headers));
        await using var _ = socket;
        Assert.True(response.Status is >= 400 and < 500, $"Expected a 4xx refusal but got {response}");
    }

    [Fact]
    public async Task Plain_get_without_upgrade_is_400_json()
    {
        var (socket, response) = await SendAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, new Dictionary<string, string>()));
        await using var _ = socket;
        AssertRefused(response, 400);
        Assert.StartsWith("application/json", response.Header("Content-Type"));
        using var body = JsonDocument.Parse(response.Body);
        Assert.True(body.RootElement.GetProperty("error").GetString() is { Length: > 0 }, response.Body);
    }

    [Fact]
    public async Task Request_written_one_byte_at_a_time_is_upgraded()
    {
        var key = RawWebSocket.NewKey();
        await using var socket = await RawWebSocket.OpenTcpAsync(Port);
        await socket.WriteBytewiseAsync(RawWebSocket.Request("GET", RawWebSocket.PusherTarget, RawWebSocket.UpgradeHeaders(key)));
        AssertUpgraded(await socket.ReadResponseAsync(), key);
        await AssertPusherConnectionAsync(socket);
    }

    [Theory]
    [InlineData("one huge header")]
    [InlineData("many headers")]
    [InlineData("huge request target")]
    public async Task Oversized_request_head_is_refused_or_closed_and_the_server_keeps_serving(string shape)
    {
        var headers = RawWebSocket.UpgradeHeaders(RawWebSocket.NewKey());
        var target = RawWebSocket.PusherTarget;
        switch (shape)
        {
            case "one huge header":
                headers["X-Padding"] = new string('a', 64 * 1024);
                break;
            case "many headers":
                for (var i = 0; i < 200; i++) headers[$"X-Padding-{i}"] = new string('b', 1000);
                break;
            default:
                target += "&pad=" + new string('c', 64 * 1024);
                break;
        }
        var request = RawWebSocket.Request("GET", target, headers);
        await using (var socket = await RawWebSocket.OpenTcpAsync(Port))
        {
            try
            {
                await socket.WriteAsync(request);
                var response = await socket.ReadResponseAsync();
                Assert.True(response.Status is >= 400 and < 500, $"{shape}: expected a 4xx refusal but got {response}");
            }
            catch (Exception e) when (e is SocketException or EndOfStreamException)
            {
                // Closing without an answer is fine too; hanging (a TimeoutException) or upgrading is not.
            }
        }
        await using var next = await RawWebSocket.ConnectPusherAsync(Port);
        await next.PingPongAsync();
    }

    [Fact]
    public async Task Pusher_query_string_is_read_from_the_request_target()
    {
        // protocol=7 must be found in the query: without it the server refuses with 4007.
        await using var socket = await RawWebSocket.ConnectPusherAsync(Port, "/app/app-key?protocol=7&client=js&version=8.4.0");
        Assert.Matches("^[0-9]+\\.[0-9]+$", socket.SocketId);
        await socket.PingPongAsync();
    }

    [Theory]
    [InlineData("/app/app-key?protocol=8&client=js&version=8.4.0", 4007)]
    [InlineData("/app/app-key?client=js&version=8.4.0", 4007)]
    [InlineData("/app/no-such-key?protocol=7&client=js&version=8.4.0", 4001)]
    public async Task Pusher_refusal_is_an_error_message_then_a_close_frame_with_the_same_code(string target, int code)
    {
        await using var socket = await RawWebSocket.ConnectAsync(Port, target);
        var close = await socket.ExpectCloseAsync();
        var error = Assert.Single(close.Before);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(code, close.Code);
        Assert.True(close.TcpClosed, "The server did not close the TCP connection after the close handshake");
    }
}
