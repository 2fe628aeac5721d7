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
        upgrade = Recognise(Encoding.Latin1.GetString(head), pathPrefix);
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
        var expected = Encoding.ASCII.GetBytes("GET " + pathPrefix + "/app/");
        var length = Math.Min(start.Length, expected.Length);
        for (var i = 0; i < length; i++)
            if (char.ToLowerInvariant((char)start[i]) != char.ToLowerInvariant((char)expected[i])) return false;
        return true;
    }

    private static UpgradeRequest? Recognise(string head, string pathPrefix)
    {
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine is not ["GET", var target, "HTTP/1.1"]) return null;
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        var appPath = pathPrefix + "/app/";
        if (!path.StartsWith(appPath, StringComparison.OrdinalIgnoreCase)) return null;
        var key = Uri.UnescapeDataString(path[appPath.Length..]);
        if (key.Length == 0 || key.Contains('/')) return null;

        string? upgrade = null, connection = null, version = null, webSocketKey = null, origin = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) return null;
            var value = line[(colon + 1)..].Trim();
            switch (line[..colon].Trim().ToLowerInvariant())
            {
                case "upgrade": upgrade = value; break;
                case "connection": connection = connection is null ? value : connection + "," + value; break;
                case "sec-websocket-version": version = value; break;
                case "sec-websocket-key": webSocketKey = value; break;
                case "origin": origin = value; break;
            }
        }
        if (!HasToken(upgrade, "websocket") || !HasToken(connection, "upgrade") || version != "13" || !WebSocketHandshake.IsValidKey(webSocketKey))
            return null;
        var protocol = query < 0 ? "" : QueryValue(target[(query + 1)..], "protocol");
        return new UpgradeRequest(new WebSocketRequest(key, protocol, origin ?? ""), webSocketKey!);
    }

    private static bool HasToken(string? header, string token) =>
        header is not null && header.Split(',').Any(t => t.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    private static string QueryValue(string query, string name)
    {
        foreach (var pair in query.Split('&'))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (key == name) return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
        }
        return "";
    }
}
