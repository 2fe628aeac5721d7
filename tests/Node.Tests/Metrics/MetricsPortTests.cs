namespace Broadcaster.Node.Tests.Metrics;

/// <summary>Where /metrics is served: the main port by default, only a separate port when one is set, nowhere when disabled.</summary>
public sealed class MetricsPortTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<(int Status, string Body, string? MediaType)> GetAsync(int port, string path)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Metrics_are_served_on_the_main_port_by_default()
    {
        await using var server = await TestServers.StartAsync();
        Assert.Null(server.MetricsPort);
        var scrape = await PrometheusScrape.FetchAsync(server.Port);
        Assert.Contains(scrape.Samples, s => s.Name == "broadcaster_connected");
        var (status, _, _) = await GetAsync(server.Port, "/up");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Separate_metrics_port_serves_only_metrics_and_the_main_port_no_longer_does()
    {
        var metricsPort = FreePort.Pick();
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MetricsPort = metricsPort });
        Assert.Equal(metricsPort, server.MetricsPort);
        Assert.NotEqual(metricsPort, server.Port);

        var scrape = await PrometheusScrape.FetchAsync(metricsPort);
        Assert.Contains(scrape.Samples, s => s.Name == "broadcaster_cluster_members");

        var onMain = await GetAsync(server.Port, "/metrics");
        Assert.Equal(404, onMain.Status);
        Assert.Equal("application/json", onMain.MediaType);
        Assert.DoesNotContain("broadcaster_", onMain.Body);

        // The metrics port serves nothing else: health, the HTTP API, the WebSocket endpoint and unknown paths are 404.
        foreach (var path in new[] { "/up", "/ready", "/apps/app-id/channels", "/app/app-key", "/broadcaster/status", "/nothing" })
        {
            var (status, body, _) = await GetAsync(metricsPort, path);
            Assert.True(status == 404, $"GET {path} on the metrics port: {status} {body}");
        }

        // The main port keeps serving everything else.
        Assert.Equal(200, (await GetAsync(server.Port, "/up")).Status);
        (await server.Api().GetAsync("channels")).AssertOk();
        await using var client = await server.ConnectAsync();
        await client.PingPongAsync();
        await PrometheusScrape.WaitForAsync(metricsPort, [("broadcaster_connected", [("app_id", "app-id")], 1)]);
    }

    [Fact]
    public async Task Disabled_metrics_are_not_served()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MetricsEnabled = false, MetricsPort = FreePort.Pick() });
        Assert.Null(server.MetricsPort);
        var (status, body, _) = await GetAsync(server.Port, "/metrics");
        Assert.True(status == 404, $"GET /metrics with metrics disabled: {status} {body}");
        Assert.Equal(200, (await GetAsync(server.Port, "/up")).Status);
    }

    [Fact]
    public async Task A_channel_called_metrics_is_still_served_by_the_http_api_on_the_main_port()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MetricsPort = FreePort.Pick() });
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("metrics");

        // Only the exact path /metrics moves to the metrics port; a channel may be called "metrics".
        var onMain = await server.Api().GetAsync("channels/metrics", "info", "subscription_count");
        onMain.AssertOk();
        Assert.Equal(1, onMain.Json.GetProperty("subscription_count").GetInt32());
    }

    [Fact]
    public async Task Metrics_port_serves_no_part_of_the_http_api_whatever_the_path_ends_with()
    {
        var metricsPort = FreePort.Pick();
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MetricsPort = metricsPort });
        var onMetricsPort = await new ApiClient(metricsPort, TestApps.Main).GetAsync("channels/metrics");
        Assert.True(onMetricsPort.Status == 404, $"HTTP API answered on the metrics port: {onMetricsPort.Status} {onMetricsPort.Body}");
        var noSuchPage = await new ApiClient(metricsPort, TestApps.Main).SendRawAsync("GET", "/up/metrics", null);
        Assert.Equal(404, noSuchPage.Status);
    }
}
