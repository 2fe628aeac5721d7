using System.Net.Http.Headers;
using System.Text;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>Ways to spoil a signed request on purpose.</summary>
public sealed record SignOptions
{
    public long? Timestamp { get; init; }
    public string? AuthKey { get; init; }
    public string? Secret { get; init; }
    /// <summary>Sent as body_md5 (and signed) instead of the real MD5 of the body.</summary>
    public string? BodyMd5 { get; init; }
    /// <summary>The path put in the string to sign, when it should differ from the one requested.</summary>
    public string? SignedPath { get; init; }
    /// <summary>Replaces the computed auth_signature.</summary>
    public Func<string, string>? MangleSignature { get; init; }
}

public sealed record ApiResponse(int Status, string Body, string? ContentType)
{
    /// <summary>Response and content headers by case-insensitive name, repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public JsonElement Json
    {
        get
        {
            using var doc = JsonDocument.Parse(Body);
            return doc.RootElement.Clone();
        }
    }

    public void AssertOk()
    {
        Assert.True(Status == 200, $"Expected 200 but got {Status}: {Body}");
        Assert.Equal("application/json", ContentType);
    }

    /// <summary>Every error is <c>{"error":"..."}</c> with a JSON content type.</summary>
    public void AssertError(int status)
    {
        Assert.True(Status == status, $"Expected {status} but got {Status}: {Body}");
        Assert.Equal("application/json", ContentType);
        var json = Json;
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.True(json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0,
            $"Error body is not {{\"error\": \"...\"}}: {Body}");
    }
}

/// <summary>Signs and sends HTTP API requests exactly as the Pusher server SDKs do (PROTOCOL.md 6.2).</summary>
public sealed class ApiClient(int port, PusherApp app, string prefix = "")
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public PusherApp App => app;

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Signs <c>/apps/{app_id}/{route}</c>; query values are signed decoded and sent percent-encoded.</summary>
    public string SignedTarget(string method, string route, string body, IEnumerable<KeyValuePair<string, string>>? query = null, SignOptions? options = null)
    {
        options ??= new SignOptions();
        var path = $"/apps/{app.Id}/{route}";
        var pairs = new List<KeyValuePair<string, string>>
        {
            new("auth_key", options.AuthKey ?? app.Key),
            new("auth_timestamp", (options.Timestamp ?? Now).ToString()),
            new("auth_version", "1.0"),
        };
        if (options.BodyMd5 is { } md5) pairs.Add(new("body_md5", md5));
        else if (body.Length > 0) pairs.Add(new("body_md5", PusherSignature.Md5Hex(Encoding.UTF8.GetBytes(body))));
        if (query is not null) pairs.AddRange(query);
        var canonical = string.Join("&", pairs
            .Select(p => new KeyValuePair<string, string>(p.Key.ToLowerInvariant(), p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        var signature = PusherSignature.Sign(options.Secret ?? app.Secret, $"{method}\n{options.SignedPath ?? path}\n{canonical}");
        if (options.MangleSignature is { } mangle) signature = mangle(signature);
        var sent = string.Join("&", pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return $"{path}?{sent}&auth_signature={signature}";
    }

    public Task<ApiResponse> GetAsync(string route, IEnumerable<KeyValuePair<string, string>>? query = null, SignOptions? options = null) =>
        SendRawAsync("GET", SignedTarget("GET", route, "", query, options), null);

    public Task<ApiResponse> GetAsync(string route, string queryKey, string queryValue) =>
        GetAsync(route, [new(queryKey, queryValue)]);

    public Task<ApiResponse> PostAsync(string route, string body, SignOptions? options = null) =>
        SendRawAsync("POST", SignedTarget("POST", route, body, null, options), body);

    public Task<ApiResponse> PostJsonAsync(string route, object body, SignOptions? options = null) =>
        PostAsync(route, JsonSerializer.Serialize(body), options);

    /// <summary>POST /events with the given fields.</summary>
    public Task<ApiResponse> TriggerAsync(object body) => PostJsonAsync("events", body);

    public async Task TriggerOkAsync(string channel, string name, string data)
    {
        var response = await TriggerAsync(new { name, channels = new[] { channel }, data });
        response.AssertOk();
    }

    /// <summary>Sends <paramref name="target"/> (path and query, as on the wire) under the node's prefix.</summary>
    public async Task<ApiResponse> SendRawAsync(string method, string target, string? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), $"http://127.0.0.1:{port}{prefix}{target}");
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return new ApiResponse((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType) { Headers = headers };
    }

    /// <summary>POSTs with chunked transfer encoding (no Content-Length).</summary>
    public async Task<ApiResponse> SendChunkedAsync(string target, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}{prefix}{target}");
        request.Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body)));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse((int)response.StatusCode, text, response.Content.Headers.ContentType?.MediaType);
    }

    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
