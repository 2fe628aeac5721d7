namespace Broadcaster.Node.Tests.Hosting;

/// <summary>broadcaster.server.max-connections: a full node refuses with 4100 "Over capacity" so clients retry elsewhere.</summary>
public sealed class ConnectionCapacityTests
{
    private static async Task ExpectOverCapacityAsync(int port, Broadcaster.Protocol.Apps.PusherApp app)
    {
        await using var refused = await PusherClient.OpenAsync(port, app);
        var error = await refused.ExpectAsync("pusher:error");
        Assert.Equal(4100, error.ErrorCode);
        Assert.Equal("Over capacity", error.Data.GetProperty("message").GetString());
        Assert.Equal(4100, await refused.ExpectCloseAsync());
    }

    [Fact]
    public async Task Third_connection_is_refused_with_4100_until_a_slot_frees()
    {
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MaxConnections = 2 });
        var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync(TestApps.NoClientEvents);

        // The limit is for the node, whatever the app.
        await ExpectOverCapacityAsync(server.Port, TestApps.Main);
        await ExpectOverCapacityAsync(server.Port, TestApps.NoClientEvents);

        // The refusals took no slot and did not disturb the connected clients.
        await first.PingPongAsync();
        await second.PingPongAsync();
        await PrometheusScrape.WaitForAsync(server.Port,
        [
            ("broadcaster_over_capacity_total", [], 2),
            ("broadcaster_connected", [("app_id", "app-id")], 1),
            ("broadcaster_connected", [("app_id", "noclient-id")], 1),
            ("broadcaster_new_connections_total", [("app_id", "app-id")], 1),
        ]);

        // A disconnect frees a slot: once the node has let go of the socket, the next client gets in.
        await first.DisposeAsync();
        await PrometheusScrape.WaitForAsync(server.Port, [("broadcaster_connected", [("app_id", "app-id")], 0)]);
        await using var third = await server.ConnectAsync();
        await third.SubscribeAsync("after-capacity");
        await ExpectOverCapacityAsync(server.Port, TestApps.Main);
        await PrometheusScrape.WaitForAsync(server.Port,
        [
            ("broadcaster_over_capacity_total", [], 3),
            ("broadcaster_connected", [("app_id", "app-id")], 1),
            ("broadcaster_new_connections_total", [("app_id", "app-id")], 2),
        ]);
    }

    [Fact]
    public async Task Simultaneous_connections_never_exceed_the_capacity()
    {
        const int max = 3, attempts = 40, rounds = 10;
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { MaxConnections = max });

        // Busy threads, as on a loaded host, so the handshakes of a storm interleave rather than run one by one.
        using var stop = new CancellationTokenSource();
        var busy = Enumerable.Range(0, Environment.ProcessorCount * 2)
            .Select(_ => Task.Factory.StartNew(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }, TaskCreationOptions.LongRunning))
            .ToList();
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                // A reconnect storm: every client opens at once, as when another node goes away.
                var clients = await Task.WhenAll(Enumerable.Range(0, attempts).Select(_ => PusherClient.OpenAsync(server.Port, TestApps.Main)));
                try
                {
                    var firsts = await Task.WhenAll(clients.Select(c => c.ReceiveAsync(TimeSpan.FromSeconds(10))));
                    var accepted = firsts.Count(f => f.Event == "pusher:connection_established");
                    var refused = firsts.Count(f => f.Event == "pusher:error" && f.ErrorCode == 4100);
                    Assert.Equal(attempts, accepted + refused);
                    Assert.True(accepted <= max, $"Round {round + 1}: {accepted} of {attempts} simultaneous connections accepted with max-connections = {max}");
                }
                finally
                {
                    await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
                }
                await PrometheusScrape.WaitForAsync(server.Port, [("broadcaster_connected", [("app_id", "app-id")], 0)]);
            }
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(busy);
        }
    }
}
