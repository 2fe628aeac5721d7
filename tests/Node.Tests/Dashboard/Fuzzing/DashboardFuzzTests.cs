using System.Net;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Dashboard.Fuzzing;

/// <summary>
/// Hostile dashboard requests (<see cref="DashboardRequestFuzzer"/>) against a real node: never a 500, every error a
/// JSON body, and a client subscribed beside them receives every event. Seeded like the HTTP API fuzzer
/// (<c>BROADCASTER_FUZZ_CASES</c>, <c>BROADCASTER_FUZZ_SEED</c>).
/// </summary>
public sealed class DashboardFuzzTests : IAsyncLifetime
{
    private static readonly int Cases = FuzzRun.Cases(150);
    private static readonly int[] Statuses = [200, 204, 400, 401, 403, 404, 405, 413, 415];

    private BroadcasterServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(TestServers.DefaultOptions() with
    {
        ApiRequestsPerSecond = 0,
        Dashboard = new DashboardOptions { Enabled = true, Password = DashboardAccessTests.Password },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hostile_dashboard_requests_get_a_clear_status_with_a_json_error_and_delivery_goes_on()
    {
        await using var bystander = await _server.ConnectAsync();
        await bystander.SubscribeAsync("bystander");
        var api = _server.Api();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Port}/"), Timeout = TimeSpan.FromSeconds(10) };
        var seen = new SortedSet<int>();
        var counted = new List<string>();

        for (var i = 0; i < Cases; i++)
        {
            var seed = FuzzRun.Seed + i;
            var request = new DashboardRequestFuzzer(seed).Next();
            try
            {
                using var message = request.ToMessage(DashboardAccessTests.Password);
                using var response = await http.SendAsync(message);
                var status = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync();
                if (status == 401 && (request.SignedIn || request.Path.EndsWith("login", StringComparison.Ordinal))) counted.Add(request.ToString());
                Assert.True(Statuses.Contains(status), $"status {status}: {text}; counted failures: {string.Join(" | ", counted)}");
                seen.Add(status);
                if (status >= 400 && request.Method != "HEAD")
                {
                    Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                    Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()));
                }
                if (i % 10 == 9)
                {
                    await api.TriggerOkAsync("bystander", "still-here", $"request {seed}");
                    Assert.Equal($"request {seed}", (await bystander.ExpectAsync("still-here")).DataString);
                }
            }
            catch (Exception e)
            {
                throw FuzzRun.Failed(seed, e, request.ToString());
            }
        }
        if (Cases >= 100) Assert.Superset(new SortedSet<int> { 200, 400, 401, 404, 405 }, seen);
        Assert.DoesNotContain((int)HttpStatusCode.TooManyRequests, seen);
    }
}
