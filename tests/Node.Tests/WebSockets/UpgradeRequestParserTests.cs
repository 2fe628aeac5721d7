using System.Buffers;
using System.Text;
using Broadcaster.Node.WebSockets;

namespace Broadcaster.Node.Tests.WebSockets;

public sealed class UpgradeRequestParserTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static (UpgradeRequestParser.Status Status, UpgradeRequest? Upgrade, long End) Parse(string head, string prefix = "")
    {
        var bytes = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(head));
        var status = UpgradeRequestParser.TryParse(bytes, prefix, out var upgrade, out var end);
        return (status, upgrade, bytes.Slice(0, end).Length);
    }

    private static string Head(string target = "/app/app-key?protocol=7", string headers = "") =>
        $"GET {target} HTTP/1.1\r\nHost: h\r\nupgrade: WebSocket\r\nCONNECTION: keep-alive, Upgrade\r\nSec-WebSocket-Key: {Key}\r\n" +
        $"Sec-WebSocket-Version: 13\r\nOrigin: https://pixelfed.example\r\n{headers}\r\n";

    [Fact]
    public void A_pusher_upgrade_is_recognised_with_its_key_protocol_and_origin_and_header_names_in_any_case()
    {
        var head = Head("/app/my%2Dkey?client=js&protocol=7&version=8.4.0");

        var (status, upgrade, end) = Parse(head + "frame bytes");

        Assert.Equal(UpgradeRequestParser.Status.PusherUpgrade, status);
        Assert.Equal(new WebSocketRequest("my-key", "7", "https://pixelfed.example"), upgrade!.Request);
        Assert.Equal(Key, upgrade.WebSocketKey);
        Assert.Equal(head.Length, end);
    }

    [Fact]
    public void A_head_that_has_not_fully_arrived_asks_for_more()
    {
        Assert.Equal(UpgradeRequestParser.Status.Incomplete, Parse(Head()[..40]).Status);
    }

    [Theory]
    [InlineData("POST /app/app-key HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")]
    [InlineData("GET /apps/1/channels HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("GET /app/app-key HTTP/1.1\r\nHost: h\r\n\r\n")]
    [InlineData("GET /app/app-key HTTP/1.0\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /app/app-key HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")]
    [InlineData("GET /app/app-key HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /app/app-key HTTP/1.1\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    [InlineData("GET /app/ HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")]
    public void Anything_else_is_left_to_the_http_layer(string head)
    {
        var (status, _, end) = Parse(head);

        Assert.Equal(UpgradeRequestParser.Status.Other, status);
        Assert.Equal(0, end);
    }

    [Fact]
    public void The_path_prefix_is_part_of_the_endpoint_and_an_oversized_head_is_not_ours()
    {
        Assert.Equal(UpgradeRequestParser.Status.PusherUpgrade, Parse(Head("/ws/app/app-key"), "/ws").Status);
        Assert.Equal(UpgradeRequestParser.Status.Other, Parse(Head("/app/app-key"), "/ws").Status);
        Assert.Equal(UpgradeRequestParser.Status.Other, Parse("GET /app/k HTTP/1.1\r\nX: " + new string('a', 9000)).Status);
    }
}
