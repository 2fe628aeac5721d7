namespace Broadcaster.Node.Tests.Hosting;

/// <summary>PROTOCOL.md 1.8: every connection and channel actor goes away once the clients are gone.</summary>
public class CleanupTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connection_and_channel_actors_return_to_zero_after_all_clients_leave()
    {
        await using var server = await TestServers.StartAsync();
        var clients = new List<PusherClient>();
        for (var i = 0; i < 24; i++)
        {
            var c = await server.ConnectAsync();
            clients.Add(c);
            await c.SubscribeAsync("cleanup-public");
            await c.SubscribeAsync($"cleanup-own-{i}");
            await c.SubscribeAsync("private-cleanup");
            await c.SubscribeAsync("presence-cleanup", $"{{\"user_id\":\"{i % 5}\"}}");
            if (i % 3 == 0) await c.SubscribeAsync("private-encrypted-cleanup");
        }
        Assert.Equal(24, await server.ConnectionActorCount());
        Assert.Equal(4 + 24, await server.ChannelActorCount());
        var users = await server.Api().GetAsync("channels/presence-cleanup/users");
        Assert.Equal(5, users.Json.GetProperty("users").GetArrayLength());

        // Leave in different ways: clean close, unsubscribe then close, and an abrupt drop.
        for (var i = 0; i < clients.Count; i++)
        {
            var c = clients[i];
            switch (i % 3)
            {
                case 0:
                    await c.CloseAsync();
                    break;
                case 1:
                    await c.SendAsync("""{"event":"pusher:unsubscribe","data":{"channel":"presence-cleanup"}}""");
                    await c.SendAsync("""{"event":"pusher:unsubscribe","data":{"channel":"cleanup-public"}}""");
                    await c.CloseAsync();
                    break;
                default:
                    c.Socket.Abort();
                    break;
            }
            c.Socket.Dispose();
        }

        await Eventually.WaitAsync(async () => await server.ConnectionActorCount() == 0, Bound, "connection actors to stop");
        await Eventually.WaitAsync(async () => await server.ChannelActorCount() == 0, Bound, "channel actors to stop");
        var channels = await server.Api().GetAsync("channels");
        Assert.Equal("""{"channels":{}}""", channels.Body);
        Assert.Equal("""{"users":[]}""", (await server.Api().GetAsync("channels/presence-cleanup/users")).Body);
    }

    [Fact]
    public async Task Refused_and_repeated_subscriptions_leave_nothing_behind()
    {
        await using var server = await TestServers.StartAsync();
        await using (var c = await server.ConnectAsync())
        {
            await c.SendSubscribeAsync("private-refused", "app-key:0000");
            await c.ExpectAsync("pusher:subscription_error");
            await c.SubscribeAsync("cleanup-twice");
            await c.SubscribeAsync("cleanup-twice");
            await c.SendAsync("""{"event":"pusher:unsubscribe","data":{"channel":"cleanup-twice"}}""");
            await c.PingPongAsync();
            await Eventually.WaitAsync(async () => await server.ChannelActorCount() == 0, Bound, "the unsubscribed channel to stop");
            await c.SubscribeAsync("cleanup-after");
        }
        await Eventually.WaitAsync(async () => await server.ConnectionActorCount() == 0, Bound, "connection actors to stop");
        await Eventually.WaitAsync(async () => await server.ChannelActorCount() == 0, Bound, "channel actors to stop");
    }

    [Fact]
    public async Task Presence_member_removed_is_sent_when_a_member_disconnects_abruptly()
    {
        await using var server = await TestServers.StartAsync();
        await using var stay = await server.ConnectAsync();
        await stay.SubscribeAsync("presence-drop", """{"user_id":"stay"}""");
        var leave = await server.ConnectAsync();
        await leave.SubscribeAsync("presence-drop", """{"user_id":"leave"}""");
        await stay.ExpectAsync("pusher_internal:member_added");
        leave.Socket.Abort();
        leave.Socket.Dispose();
        var removed = await stay.ExpectAsync("pusher_internal:member_removed", Bound);
        Assert.Equal("leave", removed.InnerData.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Shutdown_tells_clients_to_reconnect_with_4200()
    {
        // PROTOCOL.md 1.6/1.7: close code 4200, preceded by a pusher:error like every other server-side close.
        var server = await TestServers.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("shutdown");
        var stopping = server.DisposeAsync().AsTask();
        var (frames, status) = await client.DrainUntilClosedAsync(Bound);
        await stopping;
        Assert.Equal(4200, status);
        var error = Assert.Single(frames);
        Assert.Equal(4200, error.ErrorCode);
    }
}
