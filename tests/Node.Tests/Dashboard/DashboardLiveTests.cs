using System.Net;
using System.Text.Json;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Dashboard;

/// <summary>What a signed-in dashboard sees of a node: counts, presence, the live stream with its log, and the test event.</summary>
public sealed class DashboardLiveTests : IAsyncLifetime
{
    private BroadcasterServer _server = null!;
    private DashboardClient _dashboard = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(DashboardAccessTests.Enabled());
        _dashboard = new DashboardClient(_server.Port);
        using var signedIn = await _dashboard.SignInAsync(DashboardAccessTests.Password);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _dashboard.Dispose();
        await _server.DisposeAsync();
    }

    private static JsonElement AppOf(JsonElement overview, string id) =>
        overview.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);

    [Fact]
    public async Task The_overview_counts_connections_channels_and_presence_members_per_app_and_node()
    {
        await using var one = await _server.ConnectAsync();
        await using var two = await _server.ConnectAsync();
        await one.SubscribeAsync("news");
        await one.SubscribeAsync("presence-room", """{"user_id":"u1"}""");
        await two.SubscribeAsync("presence-room", """{"user_id":"u2"}""");

        var overview = await _dashboard.GetJsonAsync("api/overview");

        var node = overview.GetProperty("nodes").EnumerateArray().Single();
        Assert.Equal(("Up", true, true), (node.GetProperty("status").GetString(), node.GetProperty("reachable").GetBoolean(), node.GetProperty("self").GetBoolean()));
        Assert.Equal("serving", node.GetProperty("state").GetString());
        Assert.Equal(overview.GetProperty("self").GetString(), node.GetProperty("id").GetString());
        Assert.Equal(2, node.GetProperty("connections").GetInt32());
        Assert.Equal(2, node.GetProperty("apps").GetProperty("app-id").GetProperty("channels").GetInt32());
        var app = AppOf(overview, "app-id");
        Assert.Equal((2, 2, "app-key"), (app.GetProperty("connections").GetInt32(), app.GetProperty("channels").GetInt32(), app.GetProperty("key").GetString()));
        var presence = app.GetProperty("presence").EnumerateArray().Single();
        Assert.Equal(("presence-room", 2), (presence.GetProperty("channel").GetString(), presence.GetProperty("members").GetInt32()));
        Assert.Equal(0, AppOf(overview, "empty-id").GetProperty("connections").GetInt32());
        Assert.Empty(overview.GetProperty("missing").EnumerateArray());
    }

    [Fact]
    public async Task The_live_stream_sends_overviews_and_the_log_of_connections_subscriptions_and_api_events()
    {
        using var live = await _dashboard.OpenLiveAsync();
        await live.NextAsync("overview");

        await using var client = await _server.ConnectAsync();
        await client.SubscribeAsync("orders");
        await _server.Api().TriggerOkAsync("orders", "order-placed", """{"id":1}""");

        // Entries come in batches: the connection's and the API's may share one.
        var entries = new List<JsonElement>();
        bool Seen(string kind, string? eventName = null) => entries.Any(e =>
            e.GetProperty("kind").GetString() == kind && (eventName is null || e.GetProperty("event").GetString() == eventName));
        await live.NextAsync("log", batch =>
        {
            entries.AddRange(batch.GetProperty("entries").EnumerateArray());
            return Seen("connected") && Seen("subscribed") && Seen("api_event", "order-placed");
        });
        var connected = entries.First(e => e.GetProperty("kind").GetString() == "connected");
        Assert.Equal((client.SocketId, "app-id"), (connected.GetProperty("socket_id").GetString(), connected.GetProperty("app").GetString()));
        var api = entries.First(e => e.GetProperty("kind").GetString() == "api_event");
        Assert.Equal(("orders", JsonValueKind.Null), (api.GetProperty("channel").GetString(), api.GetProperty("socket_id").ValueKind));
        // The rates are per second; the trigger shows in the app's API rate of a later overview.
        await live.NextAsync("overview", o => AppOf(o, "app-id").GetProperty("api_rate").GetDouble() > 0);
        Assert.DoesNotContain(TestApps.Main.Secret, live.Text.ToString());
    }

    [Fact]
    public async Task The_test_event_reaches_a_subscriber_through_the_apis_own_rules()
    {
        await using var client = await _server.ConnectAsync();
        await client.SubscribeAsync("test-channel");

        using var sent = await _dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "test-channel", @event = "hello", data = """{"from":"dashboard"}""" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var frame = await client.ExpectAsync("hello");
        Assert.Equal(("test-channel", """{"from":"dashboard"}"""), (frame.Channel, frame.DataString));

        // The sender's own socket is left out, as with the API's socket_id.
        using var except = await _dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "test-channel", @event = "not-you", data = "x", socket_id = client.SocketId });
        Assert.Equal(HttpStatusCode.OK, except.StatusCode);
        using var marker = await _dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "test-channel", @event = "marker", data = "x" });
        Assert.Equal("marker", (await client.ReceiveAsync()).Event);
    }

    [Theory]
    [InlineData("""{"app":"nope","channel":"c","event":"e","data":"x"}""", 404, "Unknown app")]
    [InlineData("""{"app":"app-id","channel":"c","data":"x"}""", 400, "name")]
    [InlineData("""{"app":"app-id","channel":"bad channel!","event":"e","data":"x"}""", 400, "channel")]
    [InlineData("""{"app":"app-id","channel":"c","event":"e","data":"x","socket_id":"not-a-socket"}""", 400, "socket_id")]
    [InlineData("""{"app":"disabled-id","channel":"c","event":"e","data":"x"}""", 403, "disabled")]
    [InlineData("""[1,2]""", 400, "JSON object")]
    [InlineData("""{not json""", 400, "not JSON")]
    [InlineData("""{"app":"app-id","channel":"c","event":"e","data":"x","socket_id":5}""", 400, "socket_id must be a string")]
    [InlineData("""{"app":["app-id"],"channel":"c","event":"e","data":"x"}""", 400, "app must be a string")]
    public async Task A_bad_test_event_gets_the_apis_error(string body, int status, string message)
    {
        using var response = await _dashboard.PostAsync("api/event", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("GET", "api/statistics?app=app-id&hours=abc", 400, "whole number of hours", null)]
    [InlineData("GET", "api/statistics?app=app-id&hours=99999999999", 400, "whole number of hours", null)]
    [InlineData("GET", "api/statistics?app=app-id&hours=-1", 400, "whole number of hours", null)]
    [InlineData("PUT", "api/overview", 405, "use GET", "GET")]
    [InlineData("DELETE", "api/statistics?app=app-id", 405, "use GET", "GET")]
    [InlineData("GET", "api/event", 405, "use POST", "POST")]
    [InlineData("GET", "api/nothing-here", 404, "Not found", null)]
    [InlineData("GET", "index.html", 404, "Not found", null)]
    [InlineData("GET", "assets/%2e%2e/index.html", 404, "Not found", null)]
    public async Task A_bad_dashboard_request_gets_a_json_error(string method, string path, int status, string message, string? allow)
    {
        using var response = await _dashboard.SendAsync(new HttpMethod(method), path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, JsonDocument.Parse(text).RootElement.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        if (allow is not null) Assert.Equal([allow], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Test_event_limits_are_the_apis_and_a_form_post_is_refused()
    {
        using var big = await _dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "c", @event = "e", data = new string('x', 20_000) });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        using var form = await _dashboard.PostAsync("api/event", new FormUrlEncodedContent([new("app", "app-id")]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
    }

    [Fact]
    public async Task No_answer_of_the_dashboard_holds_an_app_secret()
    {
        await using var client = await _server.ConnectAsync();
        var texts = new List<string>();
        using var page = await _dashboard.GetAsync("");
        var assets = System.Text.RegularExpressions.Regex.Matches(await page.Content.ReadAsStringAsync(), "(?:src|href)=\"(assets/[^\"]+)\"")
            .Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("assets/dashboard.js", assets);
        foreach (var path in assets.Concat(["", "api/overview", "api/statistics?app=app-id"]))
        {
            using var response = await _dashboard.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path);
            texts.Add(await response.Content.ReadAsStringAsync());
        }
        foreach (var app in TestApps.All)
            Assert.All(texts, t => Assert.DoesNotContain(app.Secret, t));
    }
}
