using Akka.Actor;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

/// <summary>
/// Liveness (ping after silence, 4201 without a pong) and the user-authentication deadline (4009), on fake time: the
/// connection's deadlines run on the supervisor's <see cref="LivenessWheel"/>, whose timer and clock are a
/// <see cref="FakeTimeProvider"/>, so nothing here waits for the real clock.
/// </summary>
public sealed class ConnectionLivenessTests : ActorTestBase
{
    private static readonly TimeSpan Activity = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Pong = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();

    private ConnectionSettings Settings(TimeSpan? authentication = null) => new()
    {
        ActivityTimeout = Activity, PongTimeout = Pong, UserAuthenticationTimeout = authentication ?? TimeSpan.FromSeconds(30), Time = _time,
    };

    /// <summary>A connection whose timers are scheduled: its actor has started before the test moves time on.</summary>
    private Client ConnectOnFakeTime(Broadcaster.Protocol.Apps.PusherApp? app = null, ConnectionSettings? settings = null)
    {
        var client = Connect(NewChannels(), app, settings);
        Handled(client);
        return client;
    }

    /// <summary>Moves the clock on one second at a time, as time passes for real: the wheel fires what falls due.</summary>
    private void Advance(TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
            _time.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
    }

    /// <summary>
    /// Returns once the connection actor has handled every message sent to it before (the deadlines that just fell
    /// due included): Akka answers <see cref="Identify"/> in mailbox order, and it is not client activity.
    /// </summary>
    private void Handled(Client client) => Ask<ActorIdentity>(client.Actor, new Identify(null));

    /// <summary>A ping from the client, which is activity: answered with a pong.</summary>
    private static void ClientPing(Client client)
    {
        Send(client, """{"event":"pusher:ping","data":{}}""");
        client.Probe.ExpectFrame("pusher:pong");
    }

    private static void ExpectConnectionError(Client client, int code, string message)
    {
        var error = client.Probe.ExpectFrame("pusher:error");
        Assert.Equal(code, error.ErrorCode());
        Assert.Equal(message, error.DataJson.GetProperty("message").GetString());
        client.Probe.ExpectClose(code);
    }

    [Fact]
    public void Silent_client_is_pinged_at_the_activity_timeout_then_closed_with_4201_at_the_pong_timeout()
    {
        var client = ConnectOnFakeTime(settings: Settings());

        Advance(Activity - TimeSpan.FromSeconds(1));
        Handled(client);
        Assert.Single(client.Socket.Frames);
        Advance(TimeSpan.FromSeconds(16));
        client.Probe.ExpectFrame("pusher:ping");
        Advance(Pong - TimeSpan.FromSeconds(16));
        Handled(client);
        Assert.Empty(client.Socket.Closes);

        Advance(TimeSpan.FromSeconds(16));
        ExpectConnectionError(client, 4201, "Pong reply not received");
    }

    [Fact]
    public void Any_frame_after_the_ping_keeps_the_connection_open_and_a_new_silence_earns_a_new_ping()
    {
        var client = ConnectOnFakeTime(settings: Settings());
        Advance(Activity + TimeSpan.FromSeconds(15));
        client.Probe.ExpectFrame("pusher:ping");

        Send(client, """{"event":"pusher:pong","data":{}}""");
        Advance(Pong + TimeSpan.FromSeconds(15));
        Handled(client);
        Assert.Empty(client.Socket.Closes);

        Advance(Activity);
        client.Probe.ExpectFrame("pusher:ping");
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void A_websocket_control_frame_after_the_ping_counts_as_the_answer()
    {
        var client = ConnectOnFakeTime(settings: Settings());
        Advance(Activity + TimeSpan.FromSeconds(15));
        client.Probe.ExpectFrame("pusher:ping");

        // The client answers at the WebSocket level only (a pong or a ping frame): the transport says it is alive.
        client.Actor.Tell(ClientAlive.Instance);
        Advance(Pong + TimeSpan.FromSeconds(15));
        Handled(client);
        Assert.Empty(client.Socket.Closes);
        Assert.Single(client.Socket.Frames, f => Frame.Parse(f).Event == "pusher:ping");
    }

    [Fact]
    public void Client_activity_before_the_activity_timeout_delays_the_ping()
    {
        var client = ConnectOnFakeTime(settings: Settings());
        Advance(Activity - TimeSpan.FromSeconds(20));

        // A ping from the client counts as activity: the server answers with pong and starts counting again.
        ClientPing(client);
        Advance(Activity - TimeSpan.FromSeconds(20));
        Handled(client);
        Assert.DoesNotContain(client.Socket.Frames, f => Frame.Parse(f).Event == "pusher:ping");

        Advance(TimeSpan.FromSeconds(40));
        client.Probe.ExpectFrame("pusher:ping");
    }

    [Fact]
    public void User_authentication_app_closes_an_unauthorized_connection_with_4009_on_time()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: true), Settings(TimeSpan.FromSeconds(30)));

        Advance(TimeSpan.FromSeconds(29));
        Handled(client);
        Assert.Empty(client.Socket.Closes);
        Advance(TimeSpan.FromSeconds(1));
        ExpectConnectionError(client, 4009, "Connection not authorized within timeout");
    }

    [Fact]
    public void Public_subscription_does_not_authorize_the_connection()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: true), Settings());
        SubscribeOk(client, "public-news");

        Advance(TimeSpan.FromSeconds(30));
        ExpectConnectionError(client, 4009, "Connection not authorized within timeout");
    }

    [Fact]
    public void Signed_in_connection_is_not_closed_by_the_user_authentication_timeout()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: true), Settings());
        SigninOk(client, "42");

        Advance(TimeSpan.FromSeconds(31));
        Handled(client);
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void Private_subscription_authorizes_the_connection()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: true), Settings());
        SubscribeOk(client, "private-x");

        Advance(TimeSpan.FromSeconds(31));
        Handled(client);
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void Apps_without_user_authentication_are_never_closed_for_it()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: false), Settings(TimeSpan.FromSeconds(1)));

        Advance(TimeSpan.FromSeconds(31));
        Handled(client);
        Assert.Empty(client.Socket.Closes);
    }

    /// <summary>
    /// The deadline has a timer of its own: the liveness tick (every 15 s with the default 120 s / 30 s) would
    /// enforce a short window up to 15 s late.
    /// </summary>
    [Fact]
    public void A_short_user_authentication_timeout_is_enforced_on_time_with_default_activity_settings()
    {
        var client = ConnectOnFakeTime(MakeApp(userAuthentication: true), Settings(TimeSpan.FromSeconds(2)));

        Advance(TimeSpan.FromSeconds(2));
        ExpectConnectionError(client, 4009, "Connection not authorized within timeout");
    }
}
