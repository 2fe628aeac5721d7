using System.Net;
using System.Text;
using System.Text.Json;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>A browser's view of the dashboard of one node: cookies kept, JSON posted, the live stream read event by event.</summary>
public sealed class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    public DashboardClient(int port, string prefix = "")
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, UseCookies = true })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}{prefix}/dashboard/"),
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<HttpResponseMessage> SignInAsync(string password) =>
        await _http.PostAsync("login", Json(new { password }));

    public Task<HttpResponseMessage> GetAsync(string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return _http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => _http.PostAsync(path, Json(body));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path) => _http.SendAsync(new HttpRequestMessage(method, path));

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => _http.PostAsync(path, content);

    /// <summary>Opens <c>api/live</c>; the stream is read with <see cref="LiveStream.NextAsync"/>.</summary>
    public async Task<LiveStream> OpenLiveAsync()
    {
        var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/live"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new LiveStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public void Dispose() => _http.Dispose();

    /// <summary>Server-sent events as they arrive: (event name, data JSON), and all the text read, for checks on what was sent.</summary>
    public sealed class LiveStream(HttpResponseMessage response, StreamReader reader) : IDisposable
    {
        public StringBuilder Text { get; } = new();

        /// <summary>The next event named <paramref name="name"/> whose data satisfies <paramref name="match"/>, within <paramref name="within"/>.</summary>
        public async Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? within = null)
        {
            using var timeout = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(10));
            string? eventName = null;
            while (true)
            {
                string line;
                try
                {
                    line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The live stream ended");
                }
                catch (Exception e) when (e is OperationCanceledException or IOException)
                {
                    var text = Text.ToString();
                    throw new TimeoutException($"No '{name}' event matched in time; the stream so far:\n{text[Math.Max(0, text.Length - 3000)..]}");
                }
                Text.AppendLine(line);
                if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == name)
                {
                    var data = JsonDocument.Parse(line[6..]).RootElement.Clone();
                    if (match is null || match(data)) return data;
                }
            }
        }

        public void Dispose()
        {
            reader.Dispose();
            response.Dispose();
        }
    }
}
