using System.Net;

namespace Broadcaster.Node.Tests.Operations;

/// <summary>broadcaster.limits.api-requests-per-second: a token bucket per app and node; over it, 429 with Retry-After.</summary>
public sealed class ApiRateLimitTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private sealed record Answer(int Status, string Body, string? MediaType, TimeSpan? RetryAfter);

    private static async Task<Answer> GetChannelsAsync(int port, ApiClient api, SignOptions? sign = null)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}{api.SignedTarget("GET", "channels", "", null, sign)}");
        return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.Delta);
    }

    private static Task<int> RateLimitedMetricAsync(int port, string appId) =>
        PrometheusScrape.FetchAsync(port).ContinueWith(t => (int)t.Result.Value("broadcaster_rate_limited_total", ("app_id", appId), ("kind", "http_api")));

    [Fact]
    public async Task Burst_over_the_rate_gets_429_with_retry_after_and_calls_succeed_again_a_second_later()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 5 });
        var api = server.Api();

        var answers = new List<Answer>();
        for (var i = 0; i < 20; i++) answers.Add(await GetChannelsAsync(server.Port, api));
        var ok = answers.Count(a => a.Status == 200);
        var limited = answers.Where(a => a.Status == 429).ToList();
        Assert.Equal(20, ok + limited.Count);
        // The bucket starts full (5) and refills 5 per second: the first 5 pass, and 20 calls in well under 3 s cannot all pass.
        Assert.All(answers.Take(5), a => Assert.Equal(200, a.Status));
        Assert.NotEmpty(limited);
        foreach (var answer in limited)
        {
            Assert.Equal("application/json", answer.MediaType);
            using var doc = JsonDocument.Parse(answer.Body);
            Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("error").ValueKind);
            Assert.Contains("5", doc.RootElement.GetProperty("error").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), answer.RetryAfter);
        }

        // The bucket is per app: another app is not limited by this one's burst.
        Assert.Equal(200, (await GetChannelsAsync(server.Port, server.Api(TestApps.NoClientEvents))).Status);
        // Each refusal is counted.
        Assert.Equal(limited.Count, await RateLimitedMetricAsync(server.Port, "app-id"));

        // As Retry-After says: one second later the bucket is full again, so five calls in a row succeed.
        await Task.Delay(TimeSpan.FromSeconds(1.05));
        for (var i = 0; i < 5; i++)
        {
            var again = await GetChannelsAsync(server.Port, api);
            Assert.True(again.Status == 200, $"Call {i + 1} after the pause: {again.Status} {again.Body}");
        }
    }

    [Fact]
    public async Task Zero_disables_the_limit()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 0 });
        var api = server.Api();
        var statuses = new List<int>();
        for (var i = 0; i < 60; i++) statuses.Add((await GetChannelsAsync(server.Port, api)).Status);
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(0, await RateLimitedMetricAsync(server.Port, "app-id"));
    }

    [Fact]
    public async Task Unauthenticated_calls_do_not_take_from_the_bucket()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 5 });
        var api = server.Api();

        // Far more refused calls than the bucket holds: all 401, none 429.
        for (var i = 0; i < 20; i++)
        {
            var wrongSecret = await GetChannelsAsync(server.Port, api, new SignOptions { Secret = "not-the-secret" });
            Assert.Equal(401, wrongSecret.Status);
            var stale = await GetChannelsAsync(server.Port, api, new SignOptions { Timestamp = ApiClient.Now - 3600 });
            Assert.Equal(401, stale.Status);
        }
        for (var i = 0; i < 5; i++)
        {
            using var unsigned = await Http.GetAsync($"http://127.0.0.1:{server.Port}/apps/app-id/channels");
            Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        }

        // The bucket is still full: the first five good calls all pass.
        for (var i = 0; i < 5; i++)
        {
            var good = await GetChannelsAsync(server.Port, api);
            Assert.True(good.Status == 200, $"Good call {i + 1} after the refused ones: {good.Status} {good.Body}");
        }
        Assert.Equal(0, await RateLimitedMetricAsync(server.Port, "app-id"));
    }
}
