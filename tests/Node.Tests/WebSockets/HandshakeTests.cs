using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 1.1, 1.3: the connection sequence and every refusal (error frame, then close with the same code).</summary>
public class HandshakeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private int Port => fixture.Server.Port;

    [Fact]
    public async Task Connection_established_is_the_first_frame_with_double_encoded_data()
    {
        await using var client = await PusherClient.OpenAsync(Port, TestApps.Main);
        var frame = await client.ReceiveAsync();
        Assert.Equal("pusher:connection_established", frame.Event);
        Assert.Equal(JsonValueKind.String, frame.Data.ValueKind);
        var data = frame.InnerData;
        Assert.Matches(new Regex(@"^[0-9]+\.[0-9]+$"), data.GetProperty("socket_id").GetString()!);
        Assert.Equal(JsonValueKind.Number, data.GetProperty("activity_timeout").ValueKind);
        Assert.True(data.GetProperty("activity_timeout").GetInt32() > 0);
        Assert.Equal(120, data.GetProperty("activity_timeout").GetInt32());
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Socket_ids_differ_between_connections()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        Assert.NotEqual(a.SocketId, b.SocketId);
    }

    private async Task AssertRefusedAsync(PusherClient client, int code)
    {
        var error = await client.ExpectAsync("pusher:error");
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(code, await client.ExpectCloseAsync());
    }

    [Fact]
    public async Task Unknown_key_gets_error_4001_then_close_4001()
    {
        await using var client = await PusherClient.OpenAsync(Port, TestApps.Main, key: "no-such-key");
        await AssertRefusedAsync(client, 4001);
    }

    [Fact]
    public async Task Disabled_app_gets_4003()
    {
        await using var client = await PusherClient.OpenAsync(Port, TestApps.Disabled);
        await AssertRefusedAsync(client, 4003);
    }

    [Theory]
    [InlineData("?client=js&version=8.4.0&flash=false")]
    [InlineData("?protocol=3&client=js&version=8.4.0&flash=false")]
    [InlineData("?protocol=8&client=js&version=8.4.0&flash=false")]
    [InlineData("?protocol=abc&client=js&version=8.4.0&flash=false")]
    [InlineData("?protocol=&client=js")]
    public async Task Missing_or_unsupported_protocol_gets_4007(string query)
    {
        await using var client = await PusherClient.OpenAsync(Port, TestApps.Main, query);
        await AssertRefusedAsync(client, 4007);
    }

    [Theory]
    [InlineData("?protocol=4")]
    [InlineData("?protocol=5&client=iOS-libPusher&version=1.0")]
    [InlineData("?protocol=7&client=js&version=8.4.0&flash=false&unknown=ignored")]
    public async Task Protocols_4_to_7_are_accepted_and_other_parameters_ignored(string query)
    {
        await using var client = await PusherClient.ConnectAsync(Port, TestApps.Main, query);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Second_connection_over_the_app_limit_gets_4004()
    {
        await using var first = await PusherClient.ConnectAsync(Port, TestApps.Limited);
        await using var second = await PusherClient.OpenAsync(Port, TestApps.Limited);
        await AssertRefusedAsync(second, 4004);
        await first.PingPongAsync();
    }

    [Fact]
    public async Task Connection_quota_slot_is_released_when_a_connection_closes()
    {
        var first = await PusherClient.ConnectAsync(Port, TestApps.Limited);
        await first.DisposeAsync();
        PusherClient? next = null;
        await Eventually.WaitAsync(async () =>
        {
            var attempt = await PusherClient.OpenAsync(Port, TestApps.Limited);
            var frame = await attempt.ReceiveAsync();
            if (frame.Event == "pusher:connection_established")
            {
                next = attempt;
                return true;
            }
            Assert.Equal(4004, frame.ErrorCode);
            await attempt.DisposeAsync();
            return false;
        }, TimeSpan.FromSeconds(5), "the quota slot to be released");
        await using var open = next!;
        await open.PingPongAsync();
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData(null)]
    public async Task Disallowed_origin_gets_4009(string? origin)
    {
        await using var client = await PusherClient.OpenAsync(Port, TestApps.Origins, origin: origin);
        await AssertRefusedAsync(client, 4009);
    }

    [Fact]
    public async Task Allowed_origin_connects()
    {
        await using var client = await PusherClient.ConnectAsync(Port, TestApps.Origins, origin: "https://good.example");
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Plain_http_get_on_the_websocket_endpoint_is_400_json()
    {
        var response = await fixture.Server.Api().SendRawAsync("GET", "/app/app-key" + PusherClient.DefaultQuery, null);
        response.AssertError(400);
    }

    [Theory]
    [InlineData("/nowhere")]
    [InlineData("/app")]
    [InlineData("/apps")]
    [InlineData("/favicon.ico")]
    [InlineData("/dashboard/index.html")]
    public async Task Unknown_path_is_404_json(string path)
    {
        var response = await fixture.Server.Api().SendRawAsync("GET", path, null);
        response.AssertError(404);
    }

    [Fact]
    public async Task Websocket_upgrade_on_an_unknown_path_is_refused()
    {
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(PusherClient.DefaultTimeout);
        var e = await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri($"ws://127.0.0.1:{Port}/nowhere/app-key"), timeout.Token));
        Assert.NotEqual(WebSocketState.Open, socket.State);
        _ = e;
    }

    [Fact]
    public async Task Up_endpoint_answers()
    {
        var response = await fixture.Server.Api().SendRawAsync("GET", "/up", null);
        response.AssertOk();
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)response.Status);
    }
}
