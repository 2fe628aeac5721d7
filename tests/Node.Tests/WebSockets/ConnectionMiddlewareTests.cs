using System.Net.Sockets;
using System.Text;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>
/// The connection middleware takes a connection's first request off Kestrel's HTTP layer when it is a Pusher upgrade
/// (its 101 is the middleware's own: no Date header), and leaves everything else to the HTTP layer, which also
/// accepts an upgrade that comes later on a kept-alive connection.
/// </summary>
public sealed class ConnectionMiddlewareTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static string Upgrade(string path = "/app/app-key") =>
        $"GET {path}?protocol=7&client=js&version=8.4.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    [Fact]
    public async Task A_first_request_upgrade_is_answered_by_the_middleware_and_the_connection_is_established()
    {
        using var tcp = await ConnectAsync(fixture.Server.Port);
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));

        var head = await ReadHeadAsync(tcp);

        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", head);
        Assert.Contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n", head);
        Assert.DoesNotContain("Date:", head);
        Assert.Contains("pusher:connection_established", await ReadTextFrameAsync(tcp));
    }

    [Fact]
    public async Task A_request_head_that_arrives_byte_by_byte_is_upgraded()
    {
        using var tcp = await ConnectAsync(fixture.Server.Port);
        foreach (var b in Encoding.ASCII.GetBytes(Upgrade()))
        {
            await tcp.GetStream().WriteAsync(new[] { b });
            await tcp.GetStream().FlushAsync();
        }

        Assert.StartsWith("HTTP/1.1 101", await ReadHeadAsync(tcp));
        Assert.Contains("pusher:connection_established", await ReadTextFrameAsync(tcp));
    }

    [Fact]
    public async Task An_upgrade_after_an_http_request_on_the_same_connection_is_accepted_by_the_http_layer()
    {
        using var tcp = await ConnectAsync(fixture.Server.Port);
        await tcp.GetStream().WriteAsync("GET /up HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
        var up = await ReadHeadAsync(tcp);
        Assert.StartsWith("HTTP/1.1 200", up);
        await ReadBodyAsync(tcp, up);

        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));
        var head = await ReadHeadAsync(tcp);

        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head);
        Assert.Contains("pusher:connection_established", await ReadTextFrameAsync(tcp));
    }

    [Fact]
    public async Task Under_a_path_prefix_only_the_prefixed_path_is_the_websocket_endpoint()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { PathPrefix = "/ws" });
        using var prefixed = await ConnectAsync(server.Port);
        using var bare = await ConnectAsync(server.Port);

        await prefixed.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade("/ws/app/app-key")));
        await bare.GetStream().WriteAsync(Encoding.ASCII.GetBytes(Upgrade()));

        Assert.StartsWith("HTTP/1.1 101", await ReadHeadAsync(prefixed));
        Assert.StartsWith("HTTP/1.1 404", await ReadHeadAsync(bare));
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return tcp;
    }

    /// <summary>Reads up to the end of an HTTP response head, byte by byte so nothing after it is taken.</summary>
    private static async Task<string> ReadHeadAsync(TcpClient tcp)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await tcp.GetStream().ReadAsync(one, cancel.Token) == 0) break;
            head.Append((char)one[0]);
        }
        return head.ToString();
    }

    /// <summary>The body after <paramref name="head"/>: by Content-Length, or chunked up to the last chunk.</summary>
    private static async Task ReadBodyAsync(TcpClient tcp, string head)
    {
        var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (length is not null)
        {
            await tcp.GetStream().ReadExactlyAsync(new byte[int.Parse(length.Split(':')[1].Trim())]);
            return;
        }
        using var cancel = new CancellationTokenSource(Timeout);
        var body = new StringBuilder();
        var one = new byte[1];
        while (!body.ToString().EndsWith("0\r\n\r\n", StringComparison.Ordinal) && await tcp.GetStream().ReadAsync(one, cancel.Token) > 0)
            body.Append((char)one[0]);
    }

    /// <summary>One unmasked text frame from the server.</summary>
    private static async Task<string> ReadTextFrameAsync(TcpClient tcp)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var stream = tcp.GetStream();
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, cancel.Token);
        Assert.Equal(0x81, header[0]);
        Assert.Equal(0, header[1] & 0x80);
        var length = header[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await stream.ReadExactlyAsync(extended, cancel.Token);
            length = extended[0] << 8 | extended[1];
        }
        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, cancel.Token);
        return Encoding.UTF8.GetString(payload);
    }
}
