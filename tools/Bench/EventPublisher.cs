using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Bench;

/// <summary>Triggers events through a node's HTTP API, signed as the Pusher server SDKs sign them.</summary>
public sealed class EventPublisher : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient _http;
    private readonly PusherApp _app;

    public EventPublisher(int port, PusherApp app)
    {
        _app = app;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(15),
        };
    }

    /// <summary>POST /apps/{id}/events for one channel; throws unless the node answers 200.</summary>
    public async Task TriggerAsync(string channel, string name, string data, CancellationToken cancel)
    {
        var body = Body(name, channel, data);
        var path = $"/apps/{_app.Id}/events";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // Sorted by key, values unescaped (HttpRequestAuthenticator.StringToSign); these values need no escaping.
        var query = $"auth_key={_app.Key}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={PusherSignature.Md5Hex(body)}";
        var signature = PusherSignature.Sign(_app.Secret, $"POST\n{path}\n{query}");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?{query}&auth_signature={signature}")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = Json;
        using var response = await _http.SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancel);
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }
    }

    private static byte[] Body(string name, string channel, string data)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteString("channel", channel);
            writer.WriteString("data", data);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    public void Dispose() => _http.Dispose();
}
