namespace Broadcaster.Node.Tests.WebSockets;

public sealed class FastLivenessFixture : ServerFixture
{
    protected override Broadcaster.Node.Configuration.BroadcasterOptions Configure(Broadcaster.Node.Configuration.BroadcasterOptions defaults) =>
        // A short silence before the ping; a pong window long enough that a loaded test machine answers in time.
        defaults with { ActivityTimeout = TimeSpan.FromSeconds(1), PongTimeout = TimeSpan.FromSeconds(3) };
}

/// <summary>PROTOCOL.md 1.4, 10.25: the server pings silent clients and drops those that do not answer with 4201.</summary>
public class LivenessTests(FastLivenessFixture fixture) : IClassFixture<FastLivenessFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Activity_timeout_is_announced_in_the_handshake()
    {
        await using var client = await fixture.Server.ConnectAsync();
        Assert.Equal(1, client.Established!.InnerData.GetProperty("activity_timeout").GetInt32());
    }

    [Fact]
    public async Task Silent_client_is_pinged_then_closed_with_4201()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var ping = await client.ExpectAsync("pusher:ping", Bound);
        Assert.Null(ping.Channel);
        var error = await client.ExpectAsync("pusher:error", Bound);
        Assert.Equal(4201, error.ErrorCode);
        Assert.Equal(4201, await client.ExpectCloseAsync(Bound));
    }

    [Fact]
    public async Task Client_that_answers_pings_stays_open()
    {
        await using var client = await fixture.Server.ConnectAsync();
        // Three rounds span well over activity timeout + pong timeout.
        for (var i = 0; i < 3; i++)
        {
            await client.ExpectAsync("pusher:ping", Bound);
            await client.SendAsync("""{"event":"pusher:pong","data":{}}""");
        }
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Any_frame_counts_as_an_answer_to_a_ping()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.ExpectAsync("pusher:ping", Bound);
        // A subscribe instead of a pong also proves the client alive.
        await client.SubscribeAsync("liveness-any");
        await client.ExpectAsync("pusher:ping", Bound);
        await client.PingPongAsync();
    }
}
