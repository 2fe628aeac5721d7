using System.Text;

namespace Broadcaster.Node.Tests.Metrics;

/// <summary>
/// GET /metrics after real WebSocket traffic and HTTP API calls: every counter and gauge moves by exactly what the
/// test sent and received (a fresh node per test, so nothing else touches the counters).
/// </summary>
public sealed class MetricsTrafficTests
{
    private const string App = "app-id";
    private static readonly (string, string)[] ForApp = [("app_id", App)];

    /// <summary>What the clients sent and received, frame by frame, to compare with the server's counters.</summary>
    private sealed class Tally
    {
        public int Sent;
        public long SentBytes;
        public int Received;
        public long ReceivedBytes;

        public async Task SendAsync(PusherClient client, string text)
        {
            Sent++;
            SentBytes += Encoding.UTF8.GetByteCount(text);
            await client.SendAsync(text);
        }

        public Task SendJsonAsync(PusherClient client, object value) => SendAsync(client, JsonSerializer.Serialize(value));

        public Frame Count(Frame frame)
        {
            Received++;
            ReceivedBytes += Encoding.UTF8.GetByteCount(frame.Raw);
            return frame;
        }

        public async Task<Frame> ExpectAsync(PusherClient client, string eventName) => Count(await client.ExpectAsync(eventName));

        public async Task<PusherClient> ConnectAsync(Broadcaster.Node.Hosting.BroadcasterServer server)
        {
            var client = await server.ConnectAsync();
            Count(client.Established!);
            return client;
        }

        public async Task SubscribeAsync(PusherClient client, string channel, string? channelData = null)
        {
            var auth = channel.StartsWith("private-") || channel.StartsWith("presence-") ? client.Auth(channel, channelData) : "";
            var data = new Dictionary<string, string> { ["channel"] = channel, ["auth"] = auth };
            if (channelData is not null) data["channel_data"] = channelData;
            await SendJsonAsync(client, new { @event = "pusher:subscribe", data });
            Assert.Equal(channel, (await ExpectAsync(client, "pusher_internal:subscription_succeeded")).Channel);
        }

        public async Task PingPongAsync(PusherClient client)
        {
            await SendAsync(client, """{"event":"pusher:ping","data":{}}""");
            await ExpectAsync(client, "pusher:pong");
        }
    }

    private sealed class HttpTally
    {
        public int Calls;
        public long BytesIn;
        public long BytesOut;

        public ApiResponse Count(ApiResponse response, string? body)
        {
            Calls++;
            BytesIn += body is null ? 0 : Encoding.UTF8.GetByteCount(body);
            BytesOut += Encoding.UTF8.GetByteCount(response.Body);
            return response;
        }
    }

    private static (string, (string, string)[], double)[] Traffic(Tally ws, HttpTally http, int connected, int opened, int closed) =>
    [
        ("broadcaster_connected", ForApp, connected),
        ("broadcaster_new_connections_total", ForApp, opened),
        ("broadcaster_new_disconnections_total", ForApp, closed),
        ("broadcaster_ws_messages_received_total", ForApp, ws.Sent),
        ("broadcaster_ws_messages_sent_total", ForApp, ws.Received),
        ("broadcaster_socket_received_bytes", ForApp, ws.SentBytes),
        ("broadcaster_socket_transmitted_bytes", ForApp, ws.ReceivedBytes),
        ("broadcaster_http_calls_received_total", ForApp, http.Calls),
        ("broadcaster_http_received_bytes", ForApp, http.BytesIn),
        ("broadcaster_http_transmitted_bytes", ForApp, http.BytesOut),
    ];

    private static (string, (string, string)[], double)[] Channels(int channels, int subscriptions, int nodeMembers, int clusterMembers) =>
    [
        ("broadcaster_channels", [], channels),
        ("broadcaster_subscriptions", [], subscriptions),
        ("broadcaster_presence_members", [("scope", "node")], nodeMembers),
        ("broadcaster_presence_members", [("scope", "cluster")], clusterMembers),
    ];

    [Fact]
    public async Task Fresh_node_exposes_every_family_with_help_and_type_and_zero_traffic()
    {
        await using var server = await TestServers.StartAsync();
        var scrape = await PrometheusScrape.WaitForAsync(server.Port, [("broadcaster_cluster_members", [("status", "up")], 1)]);

        string[] families =
        [
            "broadcaster_connected", "broadcaster_new_connections_total", "broadcaster_new_disconnections_total",
            "broadcaster_socket_received_bytes", "broadcaster_socket_transmitted_bytes", "broadcaster_ws_messages_received_total",
            "broadcaster_ws_messages_sent_total", "broadcaster_http_received_bytes", "broadcaster_http_transmitted_bytes",
            "broadcaster_http_calls_received_total", "broadcaster_slow_consumer_closes_total", "broadcaster_rate_limited_total",
            "broadcaster_over_capacity_total", "broadcaster_channels", "broadcaster_subscriptions", "broadcaster_presence_members",
            "broadcaster_bus_messages_sent_total", "broadcaster_bus_messages_received_total", "broadcaster_cluster_members",
            "broadcaster_cluster_unreachable_members",
        ];
        foreach (var family in families)
        {
            Assert.True(scrape.Help.ContainsKey(family), $"# HELP {family} missing");
            Assert.Equal(family.EndsWith("_total") || family.EndsWith("_bytes") ? "counter" : "gauge", scrape.Types[family]);
        }
        // Every configured app has its own zeroed series of every per-app family.
        foreach (var app in TestApps.All)
        {
            foreach (var family in families.Take(11)) Assert.Equal(0, scrape.Value(family, ("app_id", app.Id)));
            Assert.Equal(0, scrape.Value("broadcaster_rate_limited_total", ("app_id", app.Id), ("kind", "client_event")));
            Assert.Equal(0, scrape.Value("broadcaster_rate_limited_total", ("app_id", app.Id), ("kind", "http_api")));
        }
        Assert.Equal(0, scrape.Value("broadcaster_over_capacity_total"));
        Assert.Equal(0, scrape.Value("broadcaster_channels"));
        Assert.Equal(0, scrape.Value("broadcaster_subscriptions"));
        Assert.Equal(0, scrape.Value("broadcaster_presence_members", ("scope", "node")));
        Assert.Equal(0, scrape.Value("broadcaster_presence_members", ("scope", "cluster")));
        Assert.Equal(0, scrape.Value("broadcaster_cluster_unreachable_members"));
        Assert.Equal(1, scrape.Samples.Where(s => s.Name == "broadcaster_cluster_members").Sum(s => s.Value));
    }

    [Fact]
    public async Task Counters_and_gauges_follow_websocket_and_http_api_traffic_exactly()
    {
        await using var server = await TestServers.StartAsync();
        var ws = new Tally();
        var http = new HttpTally();
        var api = server.Api();
        const string presence = "presence-metrics";
        string Member(string id) => JsonSerializer.Serialize(new { user_id = id, user_info = new { name = id } });

        var a = await ws.ConnectAsync(server);
        var b = await ws.ConnectAsync(server);
        await ws.SubscribeAsync(a, "metrics-public");
        await ws.SubscribeAsync(a, "private-metrics");
        await ws.SubscribeAsync(a, presence, Member("u1"));
        await ws.SubscribeAsync(b, "metrics-public");
        await ws.SubscribeAsync(b, presence, Member("u2"));
        await ws.ExpectAsync(a, "pusher_internal:member_added");
        // A second socket of user u1: one more subscription, no new member (and no member_added for the others).
        var c = await ws.ConnectAsync(server);
        await ws.SubscribeAsync(c, presence, Member("u1"));
        foreach (var client in new[] { a, b, c }) await ws.PingPongAsync(client);

        await PrometheusScrape.WaitForAsync(server.Port,
            [.. Traffic(ws, http, connected: 3, opened: 3, closed: 0), .. Channels(3, 6, 2, 2), ("broadcaster_cluster_members", [("status", "up")], 1)]);

        // HTTP API: two triggers, a query, and a call with a bad signature (refused, still an API call of the app).
        var trigger = JsonSerializer.Serialize(new { name = "news", channel = "metrics-public", data = "{\"n\":1}" });
        http.Count(await api.PostAsync("events", trigger), trigger).AssertOk();
        var batch = JsonSerializer.Serialize(new { name = "hello", channels = new[] { presence, "private-metrics" }, data = "héllo" });
        http.Count(await api.PostAsync("events", batch), batch).AssertOk();
        http.Count(await api.GetAsync("channels"), null).AssertOk();
        http.Count(await api.GetAsync("channels", options: new SignOptions { Secret = "wrong" }), null).AssertError(401);
        // Calls for an unknown app are nobody's traffic.
        var unknown = new ApiClient(server.Port, TestApps.Main with { Id = "no-such-app" });
        (await unknown.GetAsync("channels")).AssertError(404);

        await ws.ExpectAsync(a, "news");
        await ws.ExpectAsync(b, "news");
        // A is on both channels of the second trigger; the two frames may come in either order.
        var twoForA = new[] { ws.Count(await a.ReceiveAsync()), ws.Count(await a.ReceiveAsync()) };
        Assert.All(twoForA, f => Assert.Equal("hello", f.Event));
        await ws.ExpectAsync(b, "hello");
        await ws.ExpectAsync(c, "hello");
        foreach (var client in new[] { a, b, c }) await ws.PingPongAsync(client);

        var scrape = await PrometheusScrape.WaitForAsync(server.Port, [.. Traffic(ws, http, 3, 3, 0), .. Channels(3, 6, 2, 2)]);
        foreach (var other in TestApps.All.Where(x => x.Id != App))
        {
            Assert.Equal(0, scrape.Value("broadcaster_http_calls_received_total", ("app_id", other.Id)));
            Assert.Equal(0, scrape.Value("broadcaster_new_connections_total", ("app_id", other.Id)));
        }

        // u1's second socket leaves: one subscription less, u1 is still a member through A.
        await c.CloseAsync();
        await PrometheusScrape.WaitForAsync(server.Port, [.. Traffic(ws, http, 2, 3, 1), .. Channels(3, 5, 2, 2)]);

        // A leaves: u1 is gone (B sees member_removed), private-metrics has no subscriber left.
        await a.CloseAsync();
        await ws.ExpectAsync(b, "pusher_internal:member_removed");
        await ws.PingPongAsync(b);
        await PrometheusScrape.WaitForAsync(server.Port, [.. Traffic(ws, http, 1, 3, 2), .. Channels(2, 2, 1, 1)]);

        await b.CloseAsync();
        await PrometheusScrape.WaitForAsync(server.Port, [.. Traffic(ws, http, 0, 3, 3), .. Channels(0, 0, 0, 0)]);
        foreach (var client in new[] { a, b, c }) await client.DisposeAsync();
    }

    [Fact]
    public async Task Http_bytes_received_count_chunked_bodies_too()
    {
        await using var server = await TestServers.StartAsync();
        var api = server.Api();
        var body = JsonSerializer.Serialize(new { name = "chunked", channel = "metrics-chunked", data = new string('c', 500) });
        var response = await api.SendChunkedAsync(api.SignedTarget("POST", "events", body), body);
        response.AssertOk();
        // PHP's curl and Node's http send bodies without Content-Length when streaming: the bytes still arrived.
        await PrometheusScrape.WaitForAsync(server.Port,
        [
            ("broadcaster_http_calls_received_total", ForApp, 1),
            ("broadcaster_http_received_bytes", ForApp, Encoding.UTF8.GetByteCount(body)),
            ("broadcaster_http_transmitted_bytes", ForApp, Encoding.UTF8.GetByteCount(response.Body)),
        ]);
    }
}
