using System.Diagnostics.Metrics;
using System.Text;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// The node's plain port below Kestrel (<c>PusherListener</c>): WebSocket upgrades are served on the bare socket and
/// never become Kestrel connections, every other request reaches Kestrel with none of its bytes missing.
/// </summary>
public class PlainPortTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private int Port => fixture.Server.Port;

    [Fact]
    public async Task WebSockets_are_not_kestrel_connections_while_http_requests_are()
    {
        var opened = 0;
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Meter.Name: "Microsoft.AspNetCore.Server.Kestrel", Name: "kestrel.active_connections" })
                listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "server.port" && Equals(tag.Value, Port) && value > 0) Interlocked.Add(ref opened, (int)value);
        });
        meters.Start();

        var sockets = new List<RawWebSocket>();
        for (var i = 0; i < 5; i++) sockets.Add(await RawWebSocket.ConnectPusherAsync(Port));
        foreach (var socket in sockets) await socket.PingPongAsync();
        Assert.Equal(0, Volatile.Read(ref opened));
        foreach (var socket in sockets) await socket.DisposeAsync();

        await using var http = await RawWebSocket.OpenTcpAsync(Port);
        await http.WriteAsync(Encoding.ASCII.GetBytes($"GET /up HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\n\r\n"));
        Assert.Equal(200, (await http.ReadResponseAsync()).Status);
        Assert.True(Volatile.Read(ref opened) >= 1, "The HTTP request was not a Kestrel connection");
    }

    [Fact]
    public async Task Frames_sent_in_the_same_write_as_the_upgrade_are_read()
    {
        var key = RawWebSocket.NewKey();
        var head = RawWebSocket.Request("GET", RawWebSocket.PusherTarget, RawWebSocket.UpgradeHeaders(key));
        var ping = RawFrame.Encode(RawFrame.Text, """{"event":"pusher:ping","data":{}}""");
        await using var socket = await RawWebSocket.OpenTcpAsync(Port);
        await socket.WriteAsync(head.Concat(ping).ToArray());
        Assert.Equal(101, (await socket.ReadResponseAsync()).Status);
        await socket.ExpectPusherAsync("pusher:connection_established");
        await socket.ExpectPusherAsync("pusher:pong");
    }

    [Theory]
    [InlineData("GET /up HTTP/1.1\r\nHost: h\r\n\r\n", 3)]
    [InlineData("GET /up HTTP/1.1\r\nHost: h\r\n\r\n", 6)]
    [InlineData("GET /app/app-key HTTP/1.1\r\nHost: h\r\n\r\n", 12)]
    public async Task Requests_that_start_like_an_upgrade_reach_http_whole(string request, int cut)
    {
        await using var socket = await RawWebSocket.OpenTcpAsync(Port);
        // The first piece could still be a Pusher upgrade, so the listener has to wait for more before it decides.
        await socket.WriteAsync(Encoding.ASCII.GetBytes(request[..cut]));
        await Task.Delay(50);
        await socket.WriteAsync(Encoding.ASCII.GetBytes(request[cut..]));
        var response = await socket.ReadResponseAsync();
        // /up answers 200; /app/{key} without an upgrade is the WebSocket route's 400 with a JSON error.
        Assert.Equal(request.Contains("/up") ? 200 : 400, response.Status);
    }
}
