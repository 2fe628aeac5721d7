using System.Text;
using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.Tests.Framing;

public class WebSocketHandshakeTests
{
    [Fact]
    public void Accept_is_the_value_of_RFC_6455_section_1_3()
    {
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.Accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    [Fact]
    public void A_response_is_incomplete_until_its_blank_line()
    {
        var response = Bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n");

        Assert.Equal(0, WebSocketHandshake.ReadResponse(response, "x"));
    }

    [Fact]
    public void A_101_with_the_right_accept_returns_the_length_of_its_headers_whatever_the_header_case()
    {
        const string head = "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nsec-websocket-accept: abc=\r\n\r\n";
        var response = Bytes(head + "\x81\x00");

        Assert.Equal(head.Length, WebSocketHandshake.ReadResponse(response, "abc="));
    }

    [Fact]
    public void A_refusal_or_a_wrong_accept_throws()
    {
        var refused = Assert.Throws<InvalidDataException>(() => WebSocketHandshake.ReadResponse(Bytes("HTTP/1.1 400 Bad Request\r\n\r\n"), "abc="));
        Assert.Contains("400", refused.Message);
        Assert.Throws<InvalidDataException>(() =>
            WebSocketHandshake.ReadResponse(Bytes("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: other=\r\n\r\n"), "abc="));
    }

    [Fact]
    public void The_request_asks_for_an_upgrade_with_the_key()
    {
        var request = Encoding.ASCII.GetString(WebSocketHandshake.Request("127.0.0.1:6001", "/app/k?protocol=7", "KEY=="));

        Assert.StartsWith("GET /app/k?protocol=7 HTTP/1.1\r\nHost: 127.0.0.1:6001\r\n", request);
        Assert.Contains("\r\nUpgrade: websocket\r\n", request);
        Assert.Contains("\r\nSec-WebSocket-Key: KEY==\r\n", request);
        Assert.EndsWith("\r\n\r\n", request);
    }

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);
}
