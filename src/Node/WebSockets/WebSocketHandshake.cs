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
    public static string AcceptKey(string key)
    {
        Span<byte> accept = stackalloc byte[AcceptLength];
        WriteAcceptKey(key, accept);
        return Encoding.ASCII.GetString(accept);
    }

    /// <summary>The 101 response, byte for byte.</summary>
    public static byte[] SwitchingProtocols(string key)
    {
        var response = new byte[SwitchingHead.Length + AcceptLength + 4];
        SwitchingHead.CopyTo(response);
        WriteAcceptKey(key, response.AsSpan(SwitchingHead.Length, AcceptLength));
        "\r\n\r\n"u8.CopyTo(response.AsSpan(SwitchingHead.Length + AcceptLength));
        return response;
    }

    /// <summary>The base64 of a 20-byte SHA-1.</summary>
    private const int AcceptLength = 28;

    private static ReadOnlySpan<byte> SwitchingHead =>
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "u8;

    /// <summary>Without a string in between: every connection does this once, and a reconnect storm does it thousands of times a second.</summary>
    private static void WriteAcceptKey(string key, Span<byte> accept)
    {
        var length = key.Length + Guid.Length;
        Span<byte> input = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.ASCII.GetBytes(key, input);
        Encoding.ASCII.GetBytes(Guid, input[key.Length..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        System.Buffers.Text.Base64.EncodeToUtf8(hash, accept, out _, out _);
    }
}
