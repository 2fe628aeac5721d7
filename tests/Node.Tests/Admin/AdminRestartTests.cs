using Broadcaster.Node.Admin;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Admin;

/// <summary>
/// POST /broadcaster/restart on a cluster of one: the node's slot comes at once, it closes its clients with 4200
/// (pusher:error, then the close) and stops its host, remembering that it stopped for a restart (exit code 75).
/// </summary>
public sealed class AdminRestartTests
{
    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(5);

    /// <summary>The client's view of the restart: pusher:error 4200 as its last frame, then close 4200.</summary>
    private static async Task ExpectClosedForRestartAsync(PusherClient client)
    {
        var (frames, status) = await client.DrainUntilClosedAsync(StopWithin);
        var error = Assert.Single(frames);
        Assert.Equal(4200, error.ErrorCode);
        Assert.Equal(4200, status);
    }

    private static async Task ExpectStoppedForRestartAsync(BroadcasterServer server, Task shutdown)
    {
        var finished = await Task.WhenAny(shutdown, Task.Delay(StopWithin));
        Assert.True(finished == shutdown, $"The node did not stop within {StopWithin.TotalSeconds}s of the restart request");
        await shutdown;
        Assert.True(server.RestartRequested);
    }

    [Fact]
    public async Task Signed_restart_closes_clients_with_4200_and_stops_the_node()
    {
        // A node serving one app (the Pixelfed set-up) and no admin secret: the app's credentials sign admin calls.
        var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { Apps = [TestApps.Main] });
        try
        {
            var shutdown = server.WaitForShutdownAsync();
            var client = await server.ConnectAsync();
            await client.SubscribeAsync("presence-restart", JsonSerializer.Serialize(new { user_id = "1" }));

            // Without the admin secret configured, auth_key "admin" is unknown whatever it is signed with.
            var adminKey = await AdminRequest.RestartAsync(server.Port, AdminCredentials.AdminKey, "");
            adminKey.AssertError(401);
            var unsigned = await AdminRequest.RestartAsync(server.Port, null, null);
            unsigned.AssertError(401);
            Assert.False(shutdown.IsCompleted);
            Assert.False(server.RestartRequested);
            await client.PingPongAsync();

            var response = await AdminRequest.RestartAsync(server.Port, TestApps.Main.Key, TestApps.Main.Secret);
            response.AssertOk();
            Assert.True(response.Json.GetProperty("restarting").GetBoolean());

            await ExpectClosedForRestartAsync(client);
            await ExpectStoppedForRestartAsync(server, shutdown);
            client.Socket.Dispose();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task On_a_node_of_several_apps_no_app_can_restart_or_read_the_cluster_without_the_admin_secret()
    {
        await using var server = await TestServers.StartAsync();
        Assert.True(server.Options.Apps.Count > 1);
        var client = await server.ConnectAsync(TestApps.NoClientEvents);
        foreach (var app in server.Options.Apps)
        {
            var restart = await AdminRequest.RestartAsync(server.Port, app.Key, app.Secret);
            restart.AssertError(401);
            Assert.Contains("broadcaster.admin.secret", restart.Json.GetProperty("error").GetString());
            (await AdminRequest.StatusAsync(server.Port, app.Key, app.Secret)).AssertError(401);
        }
        // The command line signs with the first app here, and fails.
        Assert.Equal(1, await AdminClient.RunAsync("restart", server.Options with { Host = "127.0.0.1", Port = server.Port }));
        Assert.False(server.RestartRequested);
        // The other app's client was never told to go.
        await client.PingPongAsync();
        await client.CloseAsync();
    }

    [Fact]
    public async Task Cli_restart_signed_with_the_admin_secret_stops_the_node()
    {
        var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { AdminSecret = "restart-admin-secret" });
        try
        {
            var shutdown = server.WaitForShutdownAsync();
            var client = await server.ConnectAsync();

            // The command line signs with auth_key "admin" and the admin secret when one is configured.
            Assert.Equal(0, await AdminClient.RunAsync("restart", server.Options with { Host = "127.0.0.1", Port = server.Port }));

            await ExpectClosedForRestartAsync(client);
            await ExpectStoppedForRestartAsync(server, shutdown);
            client.Socket.Dispose();
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
