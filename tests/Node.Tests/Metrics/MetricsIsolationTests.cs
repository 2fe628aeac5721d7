namespace Broadcaster.Node.Tests.Metrics;

/// <summary>Nodes that share a process (as these tests do) each publish their own numbers, never another node's.</summary>
public sealed class MetricsIsolationTests
{
    private static readonly (string, string)[] ForApp = [("app_id", "app-id")];

    [Fact]
    public async Task Two_nodes_in_one_process_do_not_share_numbers()
    {
        await using var first = await TestServers.StartAsync();
        await using var a = await first.ConnectAsync();
        await using var b = await first.ConnectAsync();
        await a.SubscribeAsync("isolated");
        await first.Api().TriggerOkAsync("isolated", "only-first", "{}");
        await a.ExpectAsync("only-first");

        var second = await TestServers.StartAsync();
        try
        {
            await using var c = await second.ConnectAsync();
            await c.PingPongAsync();
            await PrometheusScrape.WaitForAsync(first.Port,
            [
                ("broadcaster_connected", ForApp, 2),
                ("broadcaster_new_connections_total", ForApp, 2),
                ("broadcaster_ws_messages_received_total", ForApp, 1),
                ("broadcaster_http_calls_received_total", ForApp, 1),
                ("broadcaster_channels", [], 1),
                ("broadcaster_subscriptions", [], 1),
            ]);
            await PrometheusScrape.WaitForAsync(second.Port,
            [
                ("broadcaster_connected", ForApp, 1),
                ("broadcaster_new_connections_total", ForApp, 1),
                ("broadcaster_ws_messages_received_total", ForApp, 1),
                ("broadcaster_http_calls_received_total", ForApp, 0),
                ("broadcaster_channels", [], 0),
                ("broadcaster_subscriptions", [], 0),
            ]);
            await c.CloseAsync();
        }
        finally
        {
            await second.DisposeAsync();
        }

        // Once the second node is gone (its registry and runtime meter listener with it), the first still
        // publishes its own numbers and its runtime metrics.
        var scrape = await PrometheusScrape.WaitForAsync(first.Port,
        [
            ("broadcaster_connected", ForApp, 2),
            ("broadcaster_new_connections_total", ForApp, 2),
            ("broadcaster_new_disconnections_total", ForApp, 0),
        ]);
        Assert.True(scrape.Value("system_runtime_dotnet_thread_pool_thread_count") > 0, "runtime meter still read after the other node stopped");
    }
}
