using System.Net.WebSockets;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Hosting;

public sealed class PrefixedServerFixture : ServerFixture
{
    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults with { PathPrefix = "/ws" };
}

/// <summary>PROTOCOL.md 1.1, 6.2 step 7: a deployment prefix in front of /app and /apps; signatures cover /apps/... only.</summary>
public class PathPrefixTests(PrefixedServerFixture fixture) : IClassFixture<PrefixedServerFixture>
{
    [Fact]
    public async Task Websocket_and_api_are_served_under_the_prefix()
    {
        await using var client = await PusherClient.ConnectAsync(fixture.Server.Port, TestApps.Main, prefix: "/ws");
        await client.SubscribeAsync("prefixed");
        var api = new ApiClient(fixture.Server.Port, TestApps.Main, "/ws");
        Assert.StartsWith("/apps/app-id/events?", api.SignedTarget("POST", "events", "{}"));
        await api.TriggerOkAsync("prefixed", "through-prefix", "hi");
        Assert.Equal("hi", (await client.ExpectAsync("through-prefix")).DataString);

        var channels = await api.GetAsync("channels");
        channels.AssertOk();
        Assert.True(channels.Json.GetProperty("channels").TryGetProperty("prefixed", out _));
    }

    [Fact]
    public async Task The_root_answers_200_with_and_without_the_prefix()
    {
        var api = new ApiClient(fixture.Server.Port, TestApps.Main);
        foreach (var path in new[] { "/", "/ws/" })
        {
            var response = await api.SendRawAsync("GET", path, null);
            Assert.Equal(200, response.Status);
            Assert.Equal("ok", response.Json.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Signature_over_the_prefixed_path_is_401()
    {
        var api = new ApiClient(fixture.Server.Port, TestApps.Main, "/ws");
        (await api.GetAsync("channels", options: new SignOptions { SignedPath = "/ws/apps/app-id/channels" })).AssertError(401);
    }

    [Fact]
    public async Task Paths_without_the_prefix_are_not_served()
    {
        var unprefixed = new ApiClient(fixture.Server.Port, TestApps.Main);
        (await unprefixed.GetAsync("channels")).AssertError(404);
        await Assert.ThrowsAsync<WebSocketException>(() => PusherClient.OpenAsync(fixture.Server.Port, TestApps.Main));
    }

    [Fact]
    public async Task Refusals_work_under_the_prefix()
    {
        await using var client = await PusherClient.OpenAsync(fixture.Server.Port, TestApps.Main, prefix: "/ws", key: "unknown");
        Assert.Equal(4001, await client.ExpectErrorAsync());
        Assert.Equal(4001, await client.ExpectCloseAsync());
    }
}
