using Broadcaster.Node.Admin;
using Microsoft.Extensions.Time.Testing;

namespace Broadcaster.Node.Tests.Admin;

/// <summary>
/// GET /broadcaster/status and who may call the admin endpoints: requests signed like HTTP API calls with the admin
/// secret (auth_key "admin"), the only credentials once one is set. Failed restarts here must leave the node running.
/// </summary>
public sealed class AdminStatusTests(AdminServerFixture fixture) : IClassFixture<AdminServerFixture>
{
    private int Port => fixture.Server.Port;

    public static TheoryData<string> Paths => new() { "status", "restart" };

    private Task<ApiResponse> SendAsync(string which, string? key, string? secret, long? timestamp = null) =>
        which == "status" ? AdminRequest.StatusAsync(Port, key, secret, timestamp) : AdminRequest.RestartAsync(Port, key, secret, timestamp);

    /// <summary>Polls the status until its single node matches; fails showing the last answer.</summary>
    private async Task<JsonElement> WaitForNodeAsync(string key, string secret, Func<JsonElement, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var response = await AdminRequest.StatusAsync(Port, key, secret);
            response.AssertOk();
            var json = response.Json;
            Assert.Equal(JsonValueKind.String, json.GetProperty("leader").ValueKind);
            var node = Assert.Single(json.GetProperty("nodes").EnumerateArray());
            // The answering node names itself as its members list names it, incarnation included.
            var self = Akka.Cluster.Cluster.Get(fixture.Server.Actors.System).SelfUniqueAddress;
            Assert.Equal(self.Address.ToString(), json.GetProperty("self").GetProperty("address").GetString());
            Assert.Equal(self.Uid, json.GetProperty("self").GetProperty("uid").GetInt64());
            Assert.Equal(self.Uid, node.GetProperty("uid").GetInt64());
            if (match(node)) return node;
            Assert.True(DateTime.UtcNow < deadline, $"The status signed with {key} never matched; last: {response.Body}");
            await Task.Delay(50);
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Unsigned_or_badly_signed_admin_calls_get_401(string which)
    {
        var app = TestApps.Main;
        var refusals = new (string What, Task<ApiResponse> Call)[]
        {
            ("unsigned", SendAsync(which, null, null)),
            ("wrong secret", SendAsync(which, app.Key, "wrong-secret")),
            ("another app's secret", SendAsync(which, app.Key, TestApps.NoClientEvents.Secret)),
            ("stale timestamp", SendAsync(which, app.Key, app.Secret, ApiClient.Now - 3600)),
            ("unknown auth_key", SendAsync(which, "no-such-key", app.Secret)),
            ("admin key with an app secret", SendAsync(which, AdminCredentials.AdminKey, app.Secret)),
            ("admin secret with an app key", SendAsync(which, app.Key, AdminServerFixture.AdminSecret)),
            ("an app's own key and secret", SendAsync(which, app.Key, app.Secret)),
            ("another app's own key and secret", SendAsync(which, TestApps.NoClientEvents.Key, TestApps.NoClientEvents.Secret)),
            ("stale admin timestamp", SendAsync(which, AdminCredentials.AdminKey, AdminServerFixture.AdminSecret, ApiClient.Now - 3600)),
        };
        foreach (var (what, call) in refusals)
        {
            var response = await call;
            Assert.True(response.Status == 401, $"{which} {what}: {response.Status} {response.Body}");
            response.AssertError(401);
        }
        // None of them stopped the node.
        Assert.False(fixture.Server.RestartRequested);
        await using var client = await fixture.Server.ConnectAsync();
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Status_lists_the_node_up_and_ready_with_its_live_counts()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync(TestApps.NoClientEvents);
        await a.SubscribeAsync("status-public");
        await a.SubscribeAsync("presence-status", JsonSerializer.Serialize(new { user_id = "7" }));
        await b.SubscribeAsync("status-public");

        var node = await WaitForNodeAsync(AdminCredentials.AdminKey, AdminServerFixture.AdminSecret, n =>
            n.GetProperty("ready").ValueKind == JsonValueKind.True && n.GetProperty("connections").GetInt32() == 2 &&
            n.GetProperty("channels").GetInt32() == 3 && n.GetProperty("subscriptions").GetInt32() == 3);
        Assert.Equal("Up", node.GetProperty("status").GetString());
        Assert.True(node.GetProperty("reachable").GetBoolean());
        Assert.StartsWith("akka.tcp://broadcaster@", node.GetProperty("address").GetString());
        Assert.Equal(2, node.GetProperty("connections").GetInt32());
        // status-public of app-id and of noclient-id are two channels, and presence-status a third.
        Assert.Equal(3, node.GetProperty("channels").GetInt32());
        Assert.Equal(3, node.GetProperty("subscriptions").GetInt32());
        Assert.Equal(1, node.GetProperty("presenceMembers").GetInt32());

        await b.CloseAsync();
        await WaitForNodeAsync(AdminCredentials.AdminKey, AdminServerFixture.AdminSecret,
            n => n.GetProperty("connections").GetInt32() == 1 && n.GetProperty("channels").GetInt32() == 2);
    }

    [Fact]
    public async Task Cli_status_returns_0_against_the_node_and_1_against_a_closed_port()
    {
        var options = fixture.Server.Options with { Host = "127.0.0.1", Port = Port };
        Assert.Equal(0, await AdminClient.RunAsync("status", options));
        // Without an admin secret the command signs with the first app, which a node that has one refuses.
        Assert.Equal(1, await AdminClient.RunAsync("status", options with { AdminSecret = "" }));
        // A wrong admin secret is refused: the command fails.
        Assert.Equal(1, await AdminClient.RunAsync("status", options with { AdminSecret = "wrong" }));
        // The signature is dated by the client's clock: one an hour off is refused.
        Assert.Equal(1, await AdminClient.RunAsync("status", options, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1))));
        Assert.Equal(1, await AdminClient.RunAsync("status", options with { Port = FreePort.Pick() }));
    }
}
