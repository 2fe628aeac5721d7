using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.HttpApi.Fuzzing;

/// <summary>
/// Hostile HTTP API requests (<see cref="ApiRequestFuzzer"/>) against a real node: every answer is a status a client can
/// act on (never 500) with a JSON body, and a client subscribed beside them receives every event. Seeded: a failure
/// names the request's seed; <c>BROADCASTER_FUZZ_CASES</c> and <c>BROADCASTER_FUZZ_SEED</c> run more or one again.
/// </summary>
public sealed class HttpApiFuzzTests : IAsyncLifetime
{
    private static readonly int Cases = FuzzRun.Cases(150);
    private static readonly int[] Statuses = [200, 400, 401, 403, 404, 405, 413];

    private BroadcasterServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(TestServers.DefaultOptions() with { ApiRequestsPerSecond = 0 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hostile_requests_get_a_json_answer_with_a_clear_status_and_delivery_goes_on()
    {
        await using var bystander = await _server.ConnectAsync();
        await bystander.SubscribeAsync("bystander");
        var api = _server.Api();
        var seen = new SortedSet<int>();

        for (var i = 0; i < Cases; i++)
        {
            var seed = FuzzRun.Seed + i;
            var request = new ApiRequestFuzzer(seed, api).Next();
            try
            {
                var response = await api.SendRawAsync(request.Method, request.Target, request.Body);
                Assert.True(Statuses.Contains(response.Status), $"status {response.Status}: {response.Body}");
                seen.Add(response.Status);
                if (request.Method != "HEAD")
                {
                    Assert.Equal("application/json", response.ContentType);
                    using var json = JsonDocument.Parse(response.Body);
                    if (response.Status != 200) response.AssertError(response.Status);
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
        // The requests got past the signature check into the handlers, and were refused there for their bodies and routes.
        if (Cases >= 100) Assert.Superset(new SortedSet<int> { 200, 400, 401, 404 }, seen);
    }
}
