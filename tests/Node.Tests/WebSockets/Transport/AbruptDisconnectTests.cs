using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// Clients that vanish without a close handshake: reset mid-frame or mid-handshake, or half-closed. Each time the connection is freed (its actor and its app quota slot) and the node keeps serving.
/// Every test has a node of its own, so the connection count it waits for is its own.
/// </summary>
public class AbruptDisconnectTests
{
    internal static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>The app with a quota of one connection: a leaked connection would make every later one get 4004.</summary>
    internal static readonly string LimitedTarget = "/app/" + TestApps.Limited.Key + PusherClient.DefaultQuery;

    private static Task<BroadcasterServer> StartAsync() => TestServers.StartAsync();

    internal static async Task AssertFreedAndServingAsync(BroadcasterServer server)
    {
        await Eventually.WaitAsync(async () => await server.ConnectionActorCount() == 0, Bound, "the connection actor to stop");
        RawWebSocket? next = null;
        await Eventually.WaitAsync(async () =>
        {
            var attempt = await RawWebSocket.ConnectAsync(server.Port, LimitedTarget);
            var first = await attempt.ReadPusherAsync();
            if (first.Event == "pusher:connection_established")
            {
                next = attempt;
                return true;
            }
            Assert.Equal(4004, first.ErrorCode);
            await attempt.DisposeAsync();
            return false;
        }, Bound, "the app's quota slot to be released");
        await using var open = next!;
        await open.PingPongAsync();
        Assert.Equal(1, await server.ConnectionActorCount());
    }

    [Fact]
    public async Task Reset_in_the_middle_of_a_frame_frees_the_connection()
    {
        await using var server = await StartAsync();
        var socket = await RawWebSocket.ConnectPusherAsync(server.Port, LimitedTarget);
        Assert.Equal(1, await server.ConnectionActorCount());
        var frame = RawFrame.Encode(RawFrame.Text, PusherMessages.Ping);
        await socket.WriteAsync(frame.AsMemory(0, frame.Length / 2));
        socket.Reset();
        await AssertFreedAndServingAsync(server);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(60)]
    public async Task Reset_in_the_middle_of_the_handshake_leaves_nothing_behind(int requestBytes)
    {
        await using var server = await StartAsync();
        var socket = await RawWebSocket.OpenTcpAsync(server.Port);
        var request = RawWebSocket.Request("GET", LimitedTarget, RawWebSocket.UpgradeHeaders(RawWebSocket.NewKey()));
        await socket.WriteAsync(request.AsMemory(0, requestBytes));
        socket.Reset();
        await AssertFreedAndServingAsync(server);
    }

    [Fact]
    public async Task Reset_right_after_the_whole_handshake_request_frees_the_connection()
    {
        // The server upgrades and opens the connection while (or after) the client is already gone.
        await using var server = await StartAsync();
        var socket = await RawWebSocket.OpenTcpAsync(server.Port);
        await socket.WriteAsync(RawWebSocket.Request("GET", LimitedTarget, RawWebSocket.UpgradeHeaders(RawWebSocket.NewKey())));
        socket.Reset();
        await AssertFreedAndServingAsync(server);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Half_close_without_a_close_frame_frees_the_connection(bool midFrame)
    {
        await using var server = await StartAsync();
        await using var socket = await RawWebSocket.ConnectPusherAsync(server.Port, LimitedTarget);
        if (midFrame) await socket.WriteAsync(RawFrame.Encode(RawFrame.Text, PusherMessages.Ping).AsMemory(0, 4));
        socket.ShutdownSend();

        // The client's FIN ends the connection abnormally (1006, never sent on the wire): the server may still send a
        // close frame, but then ends TCP too.
        var frames = await socket.DrainUntilTcpClosedAsync(Bound);
        Assert.True(frames is not null, "The server kept a half-closed connection open");
        Assert.All(frames.Where(f => f.Opcode == RawFrame.Close), f => Assert.True(f.CloseCode is not (1005 or 1006 or 1015), $"Close code {f.CloseCode} on the wire"));
        await AssertFreedAndServingAsync(server);
    }

    [Fact]
    public async Task Many_abrupt_clients_at_once_leave_the_node_serving_a_bystander()
    {
        await using var server = await StartAsync();
        await using var bystander = await RawWebSocket.ConnectPusherAsync(server.Port);
        var frame = RawFrame.Encode(RawFrame.Text, PusherMessages.Ping);
        var victims = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => RawWebSocket.ConnectPusherAsync(server.Port)));
        Assert.Equal(11, await server.ConnectionActorCount());
        for (var i = 0; i < victims.Length; i++)
        {
            await victims[i].WriteAsync(frame.AsMemory(0, i % frame.Length));
            if (i % 2 == 0) victims[i].Reset();
            else victims[i].ShutdownSend();
        }
        await bystander.PingPongAsync();
        await Eventually.WaitAsync(async () => await server.ConnectionActorCount() == 1, Bound, "the abrupt clients' actors to stop");
        foreach (var victim in victims) await victim.DisposeAsync();
        await bystander.PingPongAsync();
    }
}
