using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// Triggers events with <c>POST /apps/{id}/events</c>, signed as the Pusher server SDKs sign them (the baseline
/// ignores the signature, our server checks it). Keeps its connections open: a trigger costs one request.
/// </summary>
public sealed class TriggerClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly BenchApp _app;
    private string? _firstError;
    private long _failures;

    public TriggerClient(int port, BenchApp app, int connections = 32)
    {
        _app = app;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = connections,
        })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Triggers that were not answered with 200.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The first failure, for the log.</summary>
    public string? FirstError => _firstError;

    /// <summary>One event on one channel; true when the server accepted it (200).</summary>
    public async Task<bool> TriggerAsync(string channel, string data, CancellationToken cancel)
    {
        // The names and the benchmark payload need no JSON escaping.
        var body = Encoding.UTF8.GetBytes($$"""{"name":"{{BenchPayload.EventName}}","channel":"{{channel}}","data":"{{data}}"}""");
        var path = $"/apps/{_app.Id}/events";
        using var request = new HttpRequestMessage(HttpMethod.Post, Signed("POST", path, $"&body_md5={PusherSignature.Md5Hex(body)}"))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = Json;
        try
        {
            using var response = await _http.SendAsync(request, cancel);
            if (response.IsSuccessStatusCode) return true;
            Fail($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancel)}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            Fail($"POST {path}: {e.GetType().Name}: {e.Message}");
        }
        return false;
    }

    /// <summary>A signed <c>GET /apps/{id}/<paramref name="route"/></c> (<c>channels</c>, ...): the answer's body, or an exception.</summary>
    public async Task<string> GetAsync(string route, CancellationToken cancel)
    {
        using var response = await _http.GetAsync(Signed("GET", $"/apps/{_app.Id}/{route}", ""), cancel);
        var body = await response.Content.ReadAsStringAsync(cancel);
        return response.IsSuccessStatusCode ? body : throw new HttpRequestException($"GET {route} answered {(int)response.StatusCode}: {body}");
    }

    /// <summary>
    /// The path with its signed query: the parameters sorted by key, values unescaped (the string to sign of the Pusher
    /// HTTP API); <paramref name="bodyMd5"/> is "&amp;body_md5=..." for a request with a body. These values need no escaping.
    /// </summary>
    private string Signed(string method, string path, string bodyMd5)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var query = $"auth_key={_app.Key}&auth_timestamp={timestamp}&auth_version=1.0{bodyMd5}";
        var signature = PusherSignature.Sign(_app.Secret, $"{method}\n{path}\n{query}");
        return $"{path}?{query}&auth_signature={signature}";
    }

    private void Fail(string error)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.CompareExchange(ref _firstError, error, null);
    }

    public void Dispose() => _http.Dispose();
}
