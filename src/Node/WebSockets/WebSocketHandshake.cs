using System.Security.Cryptography;
using System.Text;

namespace Broadcaster.Node.WebSockets;

/// <summary>The server side of the RFC 6455 opening handshake (4.2.2).</summary>
public static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>A key is the base64 of 16 bytes (RFC 6455 4.1).</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null || key.Length != 24) return false;
        Span<byte> bytes = stackalloc byte[18];
        return Convert.TryFromBase64String(key, bytes, out var written) && written == 16;
    }

    /// <summary><c>Sec-WebSocket-Accept</c>: base64 of the SHA-1 of the key and the RFC's GUID.</summary>
    public static string AcceptKey(string key) => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

    /// <summary>The 101 response, byte for byte.</summary>
    public static byte[] SwitchingProtocols(string key) => Encoding.ASCII.GetBytes(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Accept: {AcceptKey(key)}\r\n\r\n");
}
