using System.Security.Cryptography;
using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Protocol.Tests.Http;

/// <summary>PROTOCOL.md 6.2 server verification rules, with requests signed by an independent signer.</summary>
public class HttpRequestAuthenticatorTests
{
    private static readonly PusherApp App = new("app-id", "app-key", "app-secret");
    private const long Ts = 1_700_000_000;
    private const string EmptyMd5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(Ts);

    /// <summary>Signs like the SDKs: lower-case keys, ordinal sort, unescaped values; signature appended.</summary>
    private static List<KeyValuePair<string, string>> Sign(string method, string path, IEnumerable<(string Key, string Value)> pairs, string secret = "app-secret")
    {
        var list = pairs.ToList();
        var canonical = string.Join("&", list.Select(p => (Key: p.Key.ToLowerInvariant(), p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var sts = $"{method.ToUpperInvariant()}\n{path}\n{canonical}";
        var sig = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(sts)));
        return list.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).Append(new("auth_signature", sig)).ToList();
    }

    private static (string, string)[] AuthParams(long ts = Ts, string key = "app-key", string version = "1.0") =>
        [("auth_key", key), ("auth_timestamp", ts.ToString()), ("auth_version", version)];

    private static string Md5(byte[] body) => Convert.ToHexStringLower(MD5.HashData(body));

    private static HttpAuthResult Get(IEnumerable<KeyValuePair<string, string>> q, DateTimeOffset? now = null, int window = 600) =>
        HttpRequestAuthenticator.Verify(App, "GET", "/apps/app-id/channels", q, ReadOnlySpan<byte>.Empty, now ?? Now, window);

    private static List<KeyValuePair<string, string>> SignedGet(long ts = Ts) => Sign("GET", "/apps/app-id/channels", AuthParams(ts));

    [Fact]
    public void Valid_get_passes() => Assert.True(Get(SignedGet()).IsOk);

    [Theory]
    [InlineData(600, true)]
    [InlineData(-600, true)]
    [InlineData(601, false)]
    [InlineData(-601, false)]
    [InlineData(100_000, false)]
    public void Timestamp_window(long offset, bool ok)
    {
        var result = Get(SignedGet(), Now.AddSeconds(offset));
        Assert.Equal(ok ? 200 : 401, result.Status);
        if (!ok) Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Window_zero_disables_the_timestamp_check()
    {
        Assert.True(Get(SignedGet(), Now.AddSeconds(1_000_000), window: 0).IsOk);
        Assert.True(Get(SignedGet(ts: 1), Now, window: 0).IsOk);
    }

    [Fact]
    public void Custom_window_is_respected()
    {
        Assert.True(Get(SignedGet(), Now.AddSeconds(30), window: 30).IsOk);
        Assert.Equal(401, Get(SignedGet(), Now.AddSeconds(31), window: 30).Status);
    }

    [Theory]
    [InlineData("auth_key")]
    [InlineData("auth_timestamp")]
    [InlineData("auth_version")]
    [InlineData("auth_signature")]
    public void Missing_auth_parameter_gives_401(string missing)
    {
        var q = SignedGet().Where(p => p.Key != missing).ToList();
        Assert.Equal(401, Get(q).Status);
    }

    [Fact]
    public void No_parameters_at_all_gives_401() => Assert.Equal(401, Get([]).Status);

    [Fact]
    public void Wrong_auth_key_gives_401_even_when_correctly_signed()
    {
        Assert.Equal(401, Get(Sign("GET", "/apps/app-id/channels", AuthParams(key: "other-key"))).Status);
        Assert.Equal(401, Get(Sign("GET", "/apps/app-id/channels", AuthParams(key: "APP-KEY"))).Status);
    }

    [Fact]
    public void Wrong_secret_gives_401() =>
        Assert.Equal(401, Get(Sign("GET", "/apps/app-id/channels", AuthParams(), secret: "other")).Status);

    [Theory]
    [InlineData("2.0")]
    [InlineData("1")]
    [InlineData("")]
    public void Unsupported_auth_version_gives_401(string version) =>
        Assert.Equal(401, Get(Sign("GET", "/apps/app-id/channels", AuthParams(version: version))).Status);

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("-1700000000")]
    [InlineData("1700000000.5")]
    [InlineData(" 1700000000")]
    public void Invalid_timestamp_gives_401(string ts)
    {
        var q = Sign("GET", "/apps/app-id/channels", [("auth_key", "app-key"), ("auth_timestamp", ts), ("auth_version", "1.0")]);
        Assert.Equal(401, Get(q, window: 0).Status);
    }

    [Fact]
    public void Post_with_body_and_matching_md5_passes()
    {
        var body = "{\"name\":\"e\",\"channel\":\"c\",\"data\":\"x\"}"u8.ToArray();
        var q = Sign("POST", "/apps/app-id/events", [.. AuthParams(), ("body_md5", Md5(body))]);
        Assert.True(HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/events", q, body, Now, 600).IsOk);
    }

    [Fact]
    public void Body_md5_mismatch_gives_401_even_when_signed()
    {
        var body = "{\"a\":1}"u8.ToArray();
        var q = Sign("POST", "/apps/app-id/events", [.. AuthParams(), ("body_md5", Md5("{\"a\":2}"u8.ToArray()))]);
        var result = HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/events", q, body, Now, 600);
        Assert.Equal(401, result.Status);
    }

    [Fact]
    public void Body_without_body_md5_gives_401()
    {
        var body = "{\"a\":1}"u8.ToArray();
        var q = Sign("POST", "/apps/app-id/events", AuthParams());
        Assert.Equal(401, HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/events", q, body, Now, 600).Status);
    }

    [Fact]
    public void Empty_body_with_md5_of_empty_string_passes()
    {
        var q = Sign("POST", "/apps/app-id/users/1/terminate_connections", [.. AuthParams(), ("body_md5", EmptyMd5)]);
        Assert.True(HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/users/1/terminate_connections", q, ReadOnlySpan<byte>.Empty, Now, 600).IsOk);
    }

    [Fact]
    public void Empty_body_without_md5_passes() =>
        Assert.True(HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/x", Sign("POST", "/apps/app-id/x", AuthParams()), ReadOnlySpan<byte>.Empty, Now, 600).IsOk);

    [Fact]
    public void Empty_body_with_other_md5_gives_401()
    {
        var q = Sign("POST", "/apps/app-id/x", [.. AuthParams(), ("body_md5", Md5("{}"u8.ToArray()))]);
        Assert.Equal(401, HttpRequestAuthenticator.Verify(App, "POST", "/apps/app-id/x", q, ReadOnlySpan<byte>.Empty, Now, 600).Status);
    }

    [Fact]
    public void Upper_case_signature_is_accepted()
    {
        var q = SignedGet().Select(p => p.Key == "auth_signature" ? new KeyValuePair<string, string>(p.Key, p.Value.ToUpperInvariant()) : p).ToList();
        Assert.Contains(q, p => p.Key == "auth_signature" && p.Value.Any(char.IsUpper));
        Assert.True(Get(q).IsOk);
    }

    [Fact]
    public void Method_is_upper_cased()
    {
        var q = Sign("GET", "/apps/app-id/channels", AuthParams());
        Assert.True(HttpRequestAuthenticator.Verify(App, "get", "/apps/app-id/channels", q, ReadOnlySpan<byte>.Empty, Now, 600).IsOk);
    }

    [Fact]
    public void Extra_parameters_are_signed_and_sorted_ordinally()
    {
        var q = Sign("GET", "/apps/app-id/channels", [.. AuthParams(), ("info", "user_count,subscription_count"), ("filter_by_prefix", "presence-"), ("Zeta", "Z"), ("_x", "1")]);
        Assert.True(Get(q).IsOk);
        Assert.Equal(401, Get(q.Where(p => p.Key != "info").ToList()).Status);
    }

    [Fact]
    public void Duplicate_keys_last_value_wins()
    {
        var q = Sign("GET", "/apps/app-id/channels", [.. AuthParams(), ("info", "b")]);
        q.Insert(0, new("info", "a"));
        Assert.True(Get(q).IsOk);
        q.Add(new("info", "a"));
        Assert.Equal(401, Get(q).Status);
    }

    [Fact]
    public void StringToSign_excludes_signature_and_sorts_ordinally()
    {
        var pairs = new Dictionary<string, string>
        {
            ["b"] = "2", ["auth_signature"] = "zzz", ["a"] = "x y,z", ["B_"] = "3",
        };
        Assert.Equal("PUT\n/apps/1/x\nB_=3&a=x y,z&b=2", HttpRequestAuthenticator.StringToSign("put", "/apps/1/x", pairs));
    }
}
