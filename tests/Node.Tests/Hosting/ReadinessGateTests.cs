using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Hosting;

/// <summary>
/// A node that has not been ready yet (not joined, or not linked with its peers) accepts neither events nor clients:
/// what it accepted would reach no other node. Behind nginx's open-source upstreams, which do not probe /ready, a
/// restarted node got triggers and clients while still joining, and the events it answered with 200 were lost.
/// </summary>
public sealed class ReadinessGateTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMilliseconds(300);

    /// <summary>A node whose only seed never answers: it never joins a cluster, so it is never ready.</summary>
    private static BroadcasterOptions Unjoined() => TestServers.DefaultOptions() with
    {
        Cluster = new ClusterOptions { Hostname = "127.0.0.1", Port = FreePort.Pick(), Seeds = [$"127.0.0.1:{FreePort.Pick()}"], QueryTimeout = Wait },
    };

    [Fact]
    public async Task A_node_that_has_not_joined_refuses_triggers_with_503_and_sends_clients_elsewhere_with_4200()
    {
        await using var server = await TestServers.StartAsync(Unjoined());

        var trigger = await server.Api().TriggerAsync(new { name = "e", channel = "c", data = "{}" });
        trigger.AssertError(503);
        Assert.Equal("1", trigger.Headers["Retry-After"]);
        (await server.Api().GetAsync("channels")).AssertError(503);

        await using var client = await PusherClient.OpenAsync(server.Port, TestApps.Main);
        var error = await client.ExpectAsync("pusher:error");
        Assert.Equal(4200, error.ErrorCode);
        Assert.Equal(4200, await client.ExpectCloseAsync());
        await PrometheusScrape.WaitForAsync(server.Port, [("broadcaster_connected", [("app_id", "app-id")], 0)]);
    }

    [Fact]
    public async Task Requests_that_arrive_while_the_node_starts_wait_for_it_to_be_ready()
    {
        // A single node is ready once it is Up in its cluster of one: the first requests wait instead of failing.
        await using var server = await TestServers.StartAsync();
        var connecting = server.ConnectAsync();
        (await server.Api().TriggerAsync(new { name = "e", channel = "c", data = "{}" })).AssertOk();
        await using var client = await connecting;
        await client.SubscribeAsync("after-start");
        (await server.Api().TriggerAsync(new { name = "later", channel = "after-start", data = "{}" })).AssertOk();
        await client.ExpectAsync("later");
    }

    [Fact]
    public async Task The_gate_waits_at_most_its_timeout_and_stays_open_once_opened()
    {
        var gate = new ReadinessGate();
        Assert.False(await gate.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var waiting = gate.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        gate.Open();
        Assert.True(await waiting);
        Assert.True(gate.IsOpen);
        Assert.True(await gate.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.False(await new ReadinessGate().WaitAsync(TimeSpan.FromSeconds(10), cancelled.Token));
    }
}
