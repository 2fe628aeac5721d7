using System.Globalization;
using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Http;

/// <summary>Verifies HTTP API request signatures exactly as PROTOCOL.md 6.2 describes.</summary>
public static class HttpRequestAuthenticator
{
    private const string EmptyBodyMd5 = "d41d8cd98f00b204e9800998ecf8427e";

    /// <param name="path">Request path as received, starting at <c>/apps/</c> (any prefix removed).</param>
    /// <param name="query">Decoded query pairs in the order received.</param>
    public static HttpAuthResult Verify(
        PusherApp app, string method, string path, IEnumerable<KeyValuePair<string, string>> query,
        ReadOnlySpan<byte> body, DateTimeOffset now, int timestampWindowSeconds)
    {
        // Lower-cased keys; for duplicates the last value wins, as common query parsers do.
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query) pairs[key.ToLowerInvariant()] = value;

        if (!pairs.TryGetValue("auth_key", out var authKey) || !pairs.TryGetValue("auth_timestamp", out var timestamp) ||
            !pairs.TryGetValue("auth_version", out var version) || !pairs.TryGetValue("auth_signature", out var signature))
            return HttpAuthResult.Unauthorized("Missing authentication parameters: auth_key, auth_timestamp, auth_version and auth_signature are required");
        if (!string.Equals(authKey, app.Key, StringComparison.Ordinal))
            return HttpAuthResult.Unauthorized("Unknown auth_key");
        if (version != "1.0")
            return HttpAuthResult.Unauthorized("Unsupported auth_version, expected 1.0");
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return HttpAuthResult.Unauthorized("Invalid auth_timestamp");
        if (timestampWindowSeconds > 0 && Math.Abs(now.ToUnixTimeSeconds() - seconds) > timestampWindowSeconds)
            return HttpAuthResult.Unauthorized(
                $"Timestamp expired: given timestamp ({seconds}) not within {timestampWindowSeconds}s of server time ({now.ToUnixTimeSeconds()})");

        if (!body.IsEmpty)
        {
            var computed = PusherSignature.Md5Hex(body);
            if (pairs.TryGetValue("body_md5", out var sent) && !string.Equals(sent, computed, StringComparison.OrdinalIgnoreCase))
                return HttpAuthResult.Unauthorized("body_md5 does not match the request body");
            pairs["body_md5"] = computed;
        }
        else if (pairs.TryGetValue("body_md5", out var sent) && sent != EmptyBodyMd5)
        {
            return HttpAuthResult.Unauthorized("body_md5 does not match the empty request body");
        }

        var expected = PusherSignature.Sign(app.Secret, StringToSign(method, path, pairs));
        return PusherSignature.HexEquals(expected, signature.ToLowerInvariant())
            ? HttpAuthResult.Ok
            : HttpAuthResult.Unauthorized("Invalid signature: check the app secret and how the request was signed");
    }

    /// <summary>METHOD \n path \n sorted key=value pairs, auth_signature excluded, values not escaped.</summary>
    public static string StringToSign(string method, string path, IReadOnlyDictionary<string, string> pairs)
    {
        var sb = new StringBuilder();
        sb.Append(method.ToUpperInvariant()).Append('\n').Append(path).Append('\n');
        var first = true;
        foreach (var key in pairs.Keys.Where(k => k != "auth_signature").OrderBy(k => k, StringComparer.Ordinal))
        {
            if (!first) sb.Append('&');
            sb.Append(key).Append('=').Append(pairs[key]);
            first = false;
        }
        return sb.ToString();
    }
}
