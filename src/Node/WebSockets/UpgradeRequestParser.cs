using System.Buffers;
using System.Text;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// Reads the head of a connection's first HTTP/1.1 request and recognises a valid Pusher WebSocket upgrade: GET of
/// <c>[prefix]/app/{key}</c>, <c>Upgrade: websocket</c>, <c>Connection: upgrade</c>, version 13 and a well-formed key.
/// Anything else (another route, a malformed or unsupported upgrade) is for Kestrel's HTTP layer, which answers it.
/// </summary>
public static class UpgradeRequestParser
{
    /// <summary>A request head longer than this is not ours to read: Kestrel answers it (431).</summary>
    public const int MaxHeadBytes = 8192;

    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    public enum Status
    {
        /// <summary>The head has not fully arrived yet.</summary>
        Incomplete,
        PusherUpgrade,
        /// <summary>Not a Pusher upgrade: hand the connection to the HTTP layer untouched.</summary>
        Other,
    }

    /// <param name="end">Where the head ends: what follows is the client's first WebSocket bytes.</param>
    public static Status TryParse(ReadOnlySequence<byte> buffer, string pathPrefix, out UpgradeRequest? upgrade, out SequencePosition end)
    {
        upgrade = null;
        end = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> head, EndOfHead))
            return buffer.Length >= MaxHeadBytes ? Status.Other : Status.Incomplete;
        if (head.Length > MaxHeadBytes) return Status.Other;
        upgrade = head.IsSingleSegment ? Recognise(head.FirstSpan, pathPrefix) : Recognise(head.ToArray(), pathPrefix);
        if (upgrade is null) return Status.Other;
        end = reader.Position;
        return Status.PusherUpgrade;
    }

    /// <summary>
    /// Whether a request that starts with <paramref name="start"/> (possibly only its first bytes) can still turn out to
    /// be a Pusher upgrade: false as soon as it is another method or path, so other requests need not wait for their whole head.
    /// </summary>
    public static bool CouldBePusherUpgrade(ReadOnlySpan<byte> start, string pathPrefix)
    {
        var expected = "GET " + pathPrefix + "/app/";
        return MatchesIgnoringCase(start[..Math.Min(start.Length, expected.Length)], expected);
    }

    /// <summary>Whether the Latin-1 <paramref name="bytes"/> spell the start of <paramref name="text"/>, ASCII letters in any case.</summary>
    private static bool MatchesIgnoringCase(ReadOnlySpan<byte> bytes, string text)
    {
        if (bytes.Length > text.Length) return false;
        for (var i = 0; i < bytes.Length; i++)
            if (char.ToLowerInvariant((char)bytes[i]) != char.ToLowerInvariant(text[i])) return false;
        return true;
    }

    /// <summary>
    /// Reads the head in place (bytes are Latin-1, as HTTP/1.1 heads are): only the app key, the protocol, the origin
    /// and the WebSocket key become strings, so a connection storm does not turn every header into garbage.
    /// </summary>
    private static UpgradeRequest? Recognise(ReadOnlySpan<byte> head, string pathPrefix)
    {
        var lineEnd = head.IndexOf(CrLf);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        var headers = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : head[(lineEnd + 2)..];
        if (!requestLine.StartsWith("GET "u8) || !requestLine.EndsWith(" HTTP/1.1"u8) || requestLine.Length < 13) return null;
        var target = requestLine[4..^9];
        if (target.Contains((byte)' ')) return null;
        var query = target.IndexOf((byte)'?');
        var path = query < 0 ? target : target[..query];
        var appPath = pathPrefix + "/app/";
        if (path.Length < appPath.Length || !MatchesIgnoringCase(path[..appPath.Length], appPath)) return null;
        var key = Uri.UnescapeDataString(Encoding.Latin1.GetString(path[appPath.Length..]));
        if (key.Length == 0 || key.Contains('/')) return null;

        ReadOnlySpan<byte> upgrade = default, version = default, webSocketKey = default, origin = default;
        var connectionUpgrade = false;
        if (lineEnd >= 0)
        {
            foreach (var range in headers.Split(CrLf))
            {
                var line = headers[range];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0) return null;
                var name = Trim(line[..colon]);
                var value = Trim(line[(colon + 1)..]);
                if (Ascii.EqualsIgnoreCase(name, "upgrade"u8)) upgrade = value;
                else if (Ascii.EqualsIgnoreCase(name, "connection"u8)) connectionUpgrade |= HasToken(value, "upgrade"u8);
                else if (Ascii.EqualsIgnoreCase(name, "sec-websocket-version"u8)) version = value;
                else if (Ascii.EqualsIgnoreCase(name, "sec-websocket-key"u8)) webSocketKey = value;
                else if (Ascii.EqualsIgnoreCase(name, "origin"u8)) origin = value;
            }
        }
        if (!HasToken(upgrade, "websocket"u8) || !connectionUpgrade || !version.SequenceEqual("13"u8)) return null;
        var socketKey = Encoding.Latin1.GetString(webSocketKey);
        if (!WebSocketHandshake.IsValidKey(socketKey)) return null;
        var protocol = query < 0 ? "" : QueryValue(target[(query + 1)..], "protocol"u8);
        return new UpgradeRequest(new WebSocketRequest(key, protocol, Encoding.Latin1.GetString(origin)), socketKey);
    }

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text) => text.Trim(" \t"u8);

    /// <summary>Whether the comma-separated header value holds <paramref name="token"/>, in any case.</summary>
    private static bool HasToken(ReadOnlySpan<byte> header, ReadOnlySpan<byte> token)
    {
        foreach (var range in header.Split((byte)','))
            if (Ascii.EqualsIgnoreCase(Trim(header[range]), token)) return true;
        return false;
    }

    /// <summary>The decoded value of the query parameter <paramref name="name"/>, or empty.</summary>
    private static string QueryValue(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name)
    {
        foreach (var range in query.Split((byte)'&'))
        {
            var pair = query[range];
            var equals = pair.IndexOf((byte)'=');
            var rawName = equals < 0 ? pair : pair[..equals];
            var matches = rawName.Contains((byte)'%')
                ? Uri.UnescapeDataString(Encoding.Latin1.GetString(rawName)) == Encoding.ASCII.GetString(name)
                : rawName.SequenceEqual(name);
            if (!matches) continue;
            return equals < 0 ? "" : Uri.UnescapeDataString(Encoding.Latin1.GetString(pair[(equals + 1)..]).Replace('+', ' '));
        }
        return "";
    }
}
