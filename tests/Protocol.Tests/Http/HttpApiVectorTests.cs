using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Protocol.Tests.Http;

/// <summary>Section 11.C: HTTP API request signatures, with the clock frozen at auth_timestamp.</summary>
public class HttpApiVectorTests
{
    private const int Window = 600;

    public static TheoryData<string> Ids => Vectors.Ids("http_api");

    private sealed record Request(string Method, string Path, List<KeyValuePair<string, string>> Query, byte[] Body);

    private static Request FromVector(JsonElement v)
    {
        var query = v.GetProperty("query_params").EnumerateObject()
            .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList();
        query.Add(new("auth_signature", v.Str("auth_signature")));
        var body = v.OptStr("body") is { } b ? Encoding.UTF8.GetBytes(b) : [];
        return new Request(v.Str("method"), v.Str("path"), query, body);
    }

    private static HttpAuthResult Verify(JsonElement v, Request r) =>
        HttpRequestAuthenticator.Verify(Vectors.AppOf(v), r.Method, r.Path, r.Query, r.Body,
            DateTimeOffset.FromUnixTimeSeconds(v.GetProperty("auth_timestamp").GetInt64()), Window);

    private static Request WithParam(Request r, string key, string? value)
    {
        var q = r.Query.Where(p => p.Key != key).ToList();
        if (value is not null) q.Insert(0, new(key, value));
        return r with { Query = q };
    }

    private static string Mutate(string key, string value) => key switch
    {
        "auth_timestamp" => (long.Parse(value) + 1).ToString(),
        _ => value.Length > 0 && value[^1] != 'a' ? value[..^1] + "a" : value + "b",
    };

    [Theory]
    [MemberData(nameof(Ids))]
    public void Canonical_string_and_signature_match(string id)
    {
        var v = Vectors.Get("http_api", id);
        var pairs = v.GetProperty("query_params").EnumerateObject()
            .ToDictionary(p => p.Name.ToLowerInvariant(), p => p.Value.GetString()!, StringComparer.Ordinal);
        var sts = HttpRequestAuthenticator.StringToSign(v.Str("method"), v.Str("path"), pairs);
        Assert.Equal(v.Str("string_to_sign"), sts);
        Assert.Equal($"{v.Str("method")}\n{v.Str("path")}\n{v.Str("canonical_query_string")}", sts);
        Assert.Equal(v.Str("auth_signature"), PusherSignature.Sign(Vectors.AppOf(v).Secret, sts));

        // auth_signature is never part of the string to sign.
        pairs["auth_signature"] = v.Str("auth_signature");
        Assert.Equal(sts, HttpRequestAuthenticator.StringToSign(v.Str("method"), v.Str("path"), pairs));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Body_md5_matches_body(string id)
    {
        var v = Vectors.Get("http_api", id);
        if (v.OptStr("body") is not { } body)
        {
            Assert.False(v.GetProperty("query_params").TryGetProperty("body_md5", out _));
            return;
        }
        Assert.Equal(v.Str("body_md5"), PusherSignature.Md5Hex(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(v.Str("body_md5"), v.GetProperty("query_params").Str("body_md5"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Signed_request_verifies(string id)
    {
        var v = Vectors.Get("http_api", id);
        var result = Verify(v, FromVector(v));
        Assert.True(result.IsOk, result.Error);
        Assert.Equal(200, result.Status);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Wire_form_of_request_target_verifies_after_percent_decoding(string id)
    {
        var v = Vectors.Get("http_api", id);
        var target = v.Str("request_target");
        var q = target.IndexOf('?');
        Assert.Equal(v.Str("path"), target[..q]);
        var query = target[(q + 1)..].Split('&').Select(pair =>
        {
            var eq = pair.IndexOf('=');
            return new KeyValuePair<string, string>(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]));
        }).ToList();
        var r = FromVector(v) with { Path = target[..q], Query = query };
        var result = Verify(v, r);
        Assert.True(result.IsOk, result.Error);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Changing_any_parameter_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        foreach (var (key, value) in r.Query)
        {
            var result = Verify(v, WithParam(r, key, Mutate(key, value)));
            Assert.False(result.IsOk, $"changed {key}");
            Assert.Equal(401, result.Status);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Removing_or_adding_a_parameter_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        foreach (var key in r.Query.Select(p => p.Key).Where(k => !(k == "body_md5" && r.Body.Length > 0)))
            Assert.Equal(401, Verify(v, WithParam(r, key, null)).Status);
        Assert.Equal(401, Verify(v, WithParam(r, "extra", "1")).Status);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Omitted_body_md5_is_replaced_by_the_computed_one(string id)
    {
        // 6.2 step 5: for a non-empty body the server signs with md5(body), so dropping the parameter from a
        // request that was signed with it still verifies (the body stays covered), while tampering does not.
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        if (r.Body.Length == 0) return;
        var stripped = WithParam(r, "body_md5", null);
        Assert.True(Verify(v, stripped).IsOk);
        Assert.Equal(401, Verify(v, stripped with { Body = [.. r.Body, (byte)' '] }).Status);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Changing_body_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        Assert.Equal(401, Verify(v, r with { Body = [.. r.Body, (byte)' '] }).Status);
        if (r.Body.Length > 0)
        {
            Assert.Equal(401, Verify(v, r with { Body = [] }).Status);
            var changed = (byte[])r.Body.Clone();
            changed[^2] ^= 0x01;
            Assert.Equal(401, Verify(v, r with { Body = changed }).Status);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Changing_method_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        foreach (var method in new[] { "GET", "POST", "PUT", "DELETE" }.Where(m => m != r.Method))
            Assert.Equal(401, Verify(v, r with { Method = method }).Status);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Changing_path_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        foreach (var path in new[] { r.Path + "/", r.Path + "x", r.Path.ToUpperInvariant(), "/prefix" + r.Path, r.Path.Replace("/apps/", "/apps//") })
            Assert.Equal(401, Verify(v, r with { Path = path }).Status);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Outside_the_timestamp_window_gives_401(string id)
    {
        var v = Vectors.Get("http_api", id);
        var r = FromVector(v);
        var ts = v.GetProperty("auth_timestamp").GetInt64();
        var app = Vectors.AppOf(v);
        HttpAuthResult At(long now) =>
            HttpRequestAuthenticator.Verify(app, r.Method, r.Path, r.Query, r.Body, DateTimeOffset.FromUnixTimeSeconds(now), Window);
        Assert.True(At(ts + 600).IsOk);
        Assert.True(At(ts - 600).IsOk);
        Assert.Equal(401, At(ts + 601).Status);
        Assert.Equal(401, At(ts - 601).Status);
    }

    [Fact]
    public void Keys_are_lower_cased_before_signing()
    {
        var v = Vectors.Get("http_api", "http-sign-rule-lowercase");
        var r = FromVector(v);
        var upper = r with { Query = r.Query.Select(p => new KeyValuePair<string, string>(p.Key.ToUpperInvariant(), p.Value)).ToList() };
        Assert.True(Verify(v, upper).IsOk);
        // But the value is signed as-is: changing its case breaks the signature.
        Assert.Equal(401, Verify(v, WithParam(r, "Name", "something else")).Status);
    }
}
