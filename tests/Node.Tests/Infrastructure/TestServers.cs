using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Infrastructure;

public static class TestServers
{
    public static BroadcasterOptions DefaultOptions() => new()
    {
        Host = "127.0.0.1",
        Port = 0,
        Apps = TestApps.All,
        // A test that looks at statistics gives its node a file of its own.
        Statistics = new StatisticsOptions { Enabled = false },
    };

    /// <summary>Starts a node; with <paramref name="time"/> (a FakeTimeProvider) its clock moves only when the test says.</summary>
    public static Task<BroadcasterServer> StartAsync(BroadcasterOptions? options = null, TimeProvider? time = null)
    {
        options ??= DefaultOptions();
        return BroadcasterServer.StartAsync(options, logging: RunLog.For(options), time);
    }

    public static Task<int> ConnectionActorCount(this BroadcasterServer server) =>
        server.Actors.Connections.Ask<int>(GetConnectionActorCount.Instance, TimeSpan.FromSeconds(5));

    public static Task<int> ChannelActorCount(this BroadcasterServer server) =>
        server.Actors.Channels.Ask<int>(GetChannelActorCount.Instance, TimeSpan.FromSeconds(5));

    public static ApiClient Api(this BroadcasterServer server, Broadcaster.Protocol.Apps.PusherApp? app = null) =>
        new(server.Port, app ?? TestApps.Main, server.Options.PathPrefix);

    public static Task<PusherClient> ConnectAsync(this BroadcasterServer server, Broadcaster.Protocol.Apps.PusherApp? app = null) =>
        PusherClient.ConnectAsync(server.Port, app ?? TestApps.Main, prefix: server.Options.PathPrefix);
}

/// <summary>One node with <see cref="TestServers.DefaultOptions"/> shared by the tests of a class.</summary>
public class ServerFixture : IAsyncLifetime
{
    private BroadcasterServer? _server;

    public BroadcasterServer Server => _server ?? throw new InvalidOperationException("Server not started");

    protected virtual BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(Configure(TestServers.DefaultOptions()));

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="within"/>.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {within.TotalSeconds}s waiting for: {what}");
            await Task.Delay(50);
        }
    }
}
