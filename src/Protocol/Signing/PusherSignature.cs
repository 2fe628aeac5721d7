using System.Security.Cryptography;
using System.Text;

namespace Broadcaster.Protocol.Signing;

/// <summary>HMAC-SHA256 and MD5 as Pusher uses them: UTF-8 in, lowercase hex out.</summary>
public static class PusherSignature
{
    public static string Sign(string secret, string stringToSign) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));

    public static string Sign(string secret, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));

    public static string Md5Hex(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(MD5.HashData(body));

    /// <summary>Constant-time comparison of two hex strings, so timing does not reveal how much matched.</summary>
    public static bool HexEquals(string expected, string? actual)
    {
        if (actual is null) return false;
        var a = Encoding.ASCII.GetBytes(expected);
        var b = Encoding.ASCII.GetBytes(actual);
        return a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);
    }

    /// <summary>String signed for a channel subscription (PROTOCOL.md 2.4).</summary>
    public static string ChannelStringToSign(string socketId, string channel, string? channelData) =>
        channelData is null ? $"{socketId}:{channel}" : $"{socketId}:{channel}:{channelData}";

    /// <summary>String signed for <c>pusher:signin</c>: note the double colons (PROTOCOL.md 5.1).</summary>
    public static string UserStringToSign(string socketId, string userData) => $"{socketId}::user::{userData}";

    /// <summary>
    /// Checks an <c>auth</c> value of the form <c>key:hex</c>: the key part must be this app's key and
    /// the hex part the HMAC of <paramref name="stringToSign"/>, compared in constant time.
    /// </summary>
    public static bool VerifyAuth(string appKey, string secret, string stringToSign, string? auth)
    {
        if (string.IsNullOrEmpty(auth)) return false;
        var colon = auth.IndexOf(':');
        if (colon < 0) return false;
        if (!string.Equals(auth[..colon], appKey, StringComparison.Ordinal)) return false;
        return HexEquals(Sign(secret, stringToSign), auth[(colon + 1)..]);
    }
}
