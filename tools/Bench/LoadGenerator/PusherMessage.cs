using System.Buffers.Text;
using System.Text;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// Reads what the load generator needs from a server message without a JSON parser: both servers write
/// <c>{"event":"...",</c> first, so the kind is a prefix comparison, and the few values read are found by search.
/// </summary>
public static class PusherMessage
{
    private static ReadOnlySpan<byte> EventPrefix => "{\"event\":\""u8;
    private static ReadOnlySpan<byte> BenchName => "bench\""u8;
    private static ReadOnlySpan<byte> Established => "pusher:connection_established\""u8;
    private static ReadOnlySpan<byte> Succeeded => "pusher_internal:subscription_succeeded\""u8;
    private static ReadOnlySpan<byte> Added => "pusher_internal:member_added\""u8;
    private static ReadOnlySpan<byte> Removed => "pusher_internal:member_removed\""u8;
    private static ReadOnlySpan<byte> PingName => "pusher:ping\""u8;
    private static ReadOnlySpan<byte> ErrorName => "pusher:error\""u8;
    // connection_established's data is a JSON string holding an object, so its inner quotes are escaped.
    private static ReadOnlySpan<byte> SocketIdField => "\\\"socket_id\\\":\\\""u8;
    private static ReadOnlySpan<byte> EscapedQuote => "\\\""u8;
    private static ReadOnlySpan<byte> CodeField => "\"code\":"u8;

    public static PusherMessageKind Classify(ReadOnlySpan<byte> json)
    {
        if (!json.StartsWith(EventPrefix)) return PusherMessageKind.Other;
        var name = json[EventPrefix.Length..];
        if (name.StartsWith(BenchName)) return PusherMessageKind.Bench;
        if (name.StartsWith(Established)) return PusherMessageKind.ConnectionEstablished;
        if (name.StartsWith(Succeeded)) return PusherMessageKind.SubscriptionSucceeded;
        if (name.StartsWith(Added)) return PusherMessageKind.MemberAdded;
        if (name.StartsWith(Removed)) return PusherMessageKind.MemberRemoved;
        if (name.StartsWith(PingName)) return PusherMessageKind.Ping;
        if (name.StartsWith(ErrorName)) return PusherMessageKind.Error;
        return PusherMessageKind.Other;
    }

    /// <summary>The socket id of a <c>pusher:connection_established</c> message (read once per connection).</summary>
    public static bool TryReadSocketId(ReadOnlySpan<byte> json, out string socketId)
    {
        socketId = "";
        var at = json.IndexOf(SocketIdField);
        if (at < 0) return false;
        var rest = json[(at + SocketIdField.Length)..];
        var end = rest.IndexOf(EscapedQuote);
        if (end <= 0) return false;
        socketId = Encoding.ASCII.GetString(rest[..end]);
        return true;
    }

    /// <summary>The <c>code</c> of a <c>pusher:error</c>, or 0 when it has none.</summary>
    public static int ReadErrorCode(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf(CodeField);
        if (at < 0) return 0;
        return Utf8Parser.TryParse(json[(at + CodeField.Length)..], out int code, out _) ? code : 0;
    }
}
