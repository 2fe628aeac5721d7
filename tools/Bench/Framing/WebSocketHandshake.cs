using System.Security.Cryptography;
using System.Text;

namespace Broadcaster.Bench.Framing;

/// <summary>The opening handshake of RFC 6455 section 4: the client's request and the check of the server's answer.</summary>
public static class WebSocketHandshake
{
    private const string Guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static ReadOnlySpan<byte> HeaderEnd => "\r\n\r\n"u8;

    /// <summary>The <c>Sec-WebSocket-Accept</c> value a server must answer <paramref name="key"/> with.</summary>
    public static string Accept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + Guid)));

    /// <summary>A fresh random <c>Sec-WebSocket-Key</c>.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public static byte[] Request(string host, string pathAndQuery, string key) => Encoding.ASCII.GetBytes(
        $"GET {pathAndQuery} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");

    /// <summary>
    /// Reads the server's answer from the start of <paramref name="data"/>: 0 while its headers are incomplete, else
    /// their length (what follows them is already WebSocket frames). Throws when it is not a 101 with the right accept.
    /// </summary>
    public static int ReadResponse(ReadOnlySpan<byte> data, string expectedAccept)
    {
        var end = data.IndexOf(HeaderEnd);
        if (end < 0) return 0;
        // Once per connection: a string is fine here.
        var head = Encoding.ASCII.GetString(data[..end]);
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new InvalidDataException($"handshake refused: {head.Split("\r\n")[0]}");
        // Header names are case-insensitive (RFC 9110); the value is compared exactly.
        var accepted = head.Split("\r\n").Skip(1).Any(line =>
            line.StartsWith("Sec-WebSocket-Accept:", StringComparison.OrdinalIgnoreCase) &&
            line["Sec-WebSocket-Accept:".Length..].Trim() == expectedAccept);
        if (!accepted) throw new InvalidDataException("handshake: missing or wrong Sec-WebSocket-Accept");
        return end + HeaderEnd.Length;
    }
}
