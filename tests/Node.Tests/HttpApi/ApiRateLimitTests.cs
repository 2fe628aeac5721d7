using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>
/// broadcaster.limits.api-requests-per-second: a token bucket per app and node; over it, 429 with Retry-After.
/// The node's clock is fake (starting at the real time, so signatures are fresh): buckets refill only when the test
/// advances it.
/// </summary>
public sealed class ApiRateLimitTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

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
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 5 }, _time);
        var api = server.Api();

        var answers = new List<Answer>();
        for (var i = 0; i < 20; i++) answers.Add(await GetChannelsAsync(server.Port, api));
        var ok = answers.Count(a => a.Status == 200);
        var limited = answers.Where(a => a.Status == 429).ToList();
        Assert.Equal(20, ok + limited.Count);
        // The bucket starts full (5) and the clock stands still: the first 5 pass and the other 15 are refused.
        Assert.All(answers.Take(5), a => Assert.Equal(200, a.Status));
        Assert.NotEmpty(limited);
        Assert.Equal(15, limited.Count);
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

        // As Retry-After says: one second later the bucket is full again, so five calls in a row succeed, and no more.
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
        {
            var again = await GetChannelsAsync(server.Port, api);
            Assert.True(again.Status == 200, $"Call {i + 1} after the pause: {again.Status} {again.Body}");
        }
        Assert.Equal(429, (await GetChannelsAsync(server.Port, api)).Status);
    }

    [Fact]
    public async Task A_refused_app_gets_one_call_back_per_fifth_of_a_second_at_five_per_second()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 5 }, _time);
        var api = server.Api();
        for (var i = 0; i < 5; i++) Assert.Equal(200, (await GetChannelsAsync(server.Port, api)).Status);
        Assert.Equal(429, (await GetChannelsAsync(server.Port, api)).Status);

        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal(429, (await GetChannelsAsync(server.Port, api)).Status);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(200, (await GetChannelsAsync(server.Port, api)).Status);
        Assert.Equal(429, (await GetChannelsAsync(server.Port, api)).Status);
    }

    [Fact]
    public async Task Zero_disables_the_limit()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 0 }, _time);
        var api = server.Api();
        var statuses = new List<int>();
        for (var i = 0; i < 60; i++) statuses.Add((await GetChannelsAsync(server.Port, api)).Status);
        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal(0, await RateLimitedMetricAsync(server.Port, "app-id"));
    }

    [Fact]
    public async Task Unauthenticated_calls_do_not_take_from_the_bucket()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 5 }, _time);
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

        // The bucket is still full (the clock has not moved, so nothing refilled it): the first five good calls all pass.
        for (var i = 0; i < 5; i++)
        {
            var good = await GetChannelsAsync(server.Port, api);
            Assert.True(good.Status == 200, $"Good call {i + 1} after the refused ones: {good.Status} {good.Body}");
        }
        Assert.Equal(0, await RateLimitedMetricAsync(server.Port, "app-id"));
    }
}
