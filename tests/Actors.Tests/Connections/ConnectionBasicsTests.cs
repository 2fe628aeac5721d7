using System.Text.Json;
using Akka.Actor;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Xunit;

namespace Broadcaster.Actors.Tests.Connections;

public sealed class ConnectionBasicsTests : ActorTestBase
{
    [Fact]
    public void Connection_established_is_the_first_frame_with_socket_id_and_activity_timeout_as_a_string()
    {
        var channels = NewChannels();
        var supervisor = Sys.ActorOf(ConnectionSupervisor.Props(channels.Routes, new ConnectionSettings { ActivityTimeout = TimeSpan.FromSeconds(42) }));
        var probe = CreateTestProbe();
        var socket = new RecordingSocket(SocketId.New(), probe.Ref);

        supervisor.Tell(new OpenConnection(MakeApp(), socket));
        var connection = ExpectMsg<IActorRef>(Timeout);

        var frame = probe.ExpectFrame("pusher:connection_established");
        Assert.True(frame.DataIsString, "connection_established data must be a JSON string");
        Assert.Equal(socket.SocketId, frame.DataJson.GetProperty("socket_id").GetString());
        Assert.Equal(42, frame.DataJson.GetProperty("activity_timeout").GetInt32());
        Assert.Equal(frame.Raw, System.Text.Encoding.UTF8.GetString(socket.Frames[0].Span));
        Assert.NotNull(connection);
    }

    [Fact]
    public void Ping_is_answered_with_pong()
    {
        var client = Connect(NewChannels());

        Send(client, """{"event":"pusher:ping","data":{}}""");

        var pong = client.Probe.ExpectFrame("pusher:pong");
        Assert.Null(pong.Channel);
    }

    [Fact]
    public void Pong_from_the_client_is_accepted_silently()
    {
        var client = Connect(NewChannels());

        Send(client, """{"event":"pusher:pong","data":{}}""");
        Send(client, """{"event":"pusher:ping","data":{}}""");

        // The next frame is the answer to the ping: the pong produced nothing.
        client.Probe.ExpectFrame("pusher:pong");
    }

    [Fact]
    public void Invalid_frame_gets_an_error_and_the_connection_stays_open()
    {
        var client = Connect(NewChannels());

        client.Actor.Tell(ClientFrameReceived.Invalid("Invalid message format: not valid JSON"));

        var error = client.Probe.ExpectFrame("pusher:error");
        Assert.Equal(JsonValueKind.Null, error.DataJson.GetProperty("code").ValueKind);
        Assert.Equal("Invalid message format: not valid JSON", error.DataJson.GetProperty("message").GetString());
        // Still alive and not closed: a ping is answered and no Close came before the pong.
        Send(client, """{"event":"pusher:ping","data":{}}""");
        client.Probe.ExpectFrame("pusher:pong");
        Assert.Empty(client.Socket.Closes);
    }

    [Theory]
    [InlineData("pusher:unknown")]
    [InlineData("my-event")]
    public void Unsupported_events_get_an_error_without_close(string eventName)
    {
        var client = Connect(NewChannels());

        Send(client, $$$"""{"event":"{{{eventName}}}","channel":"c","data":{}}""");

        var error = client.Probe.ExpectFrame("pusher:error");
        Assert.Contains(eventName, error.DataJson.GetProperty("message").GetString());
        Send(client, """{"event":"pusher:ping","data":{}}""");
        client.Probe.ExpectFrame("pusher:pong");
        Assert.Empty(client.Socket.Closes);
    }

    [Fact]
    public void Supervisor_counts_its_connection_actors_and_a_closed_socket_stops_its_actor()
    {
        var channels = NewChannels();
        var supervisor = Sys.ActorOf(ConnectionSupervisor.Props(channels.Routes, new ConnectionSettings()));
        var a = Connect(supervisor);
        var b = Connect(supervisor);
        Assert.Equal(2, Ask<int>(supervisor, GetConnectionActorCount.Instance));

        Watch(a.Actor);
        a.Actor.Tell(SocketClosed.Instance);
        ExpectTerminated(a.Actor, Timeout);

        AwaitAssert(() => Assert.Equal(1, Ask<int>(supervisor, GetConnectionActorCount.Instance)), Timeout);
        Assert.NotEqual(a.SocketId, b.SocketId);
    }

    [Fact]
    public void Unsubscribe_from_a_channel_never_subscribed_is_a_no_op()
    {
        var client = Connect(NewChannels());

        Send(client, UnsubscribeJson("never-subscribed"));
        Send(client, """{"event":"pusher:ping","data":{}}""");

        client.Probe.ExpectFrame("pusher:pong");
    }

    [Fact]
    public void Connection_established_reports_whole_seconds_of_the_configured_timeout()
    {
        var channels = NewChannels();
        var client = Connect(channels, settings: new ConnectionSettings { Limits = ProtocolLimits.Default });

        // Connect already consumed connection_established; its frame is the first one recorded.
        var first = Frame.Parse(client.Socket.Frames[0]);
        Assert.Equal(120, first.DataJson.GetProperty("activity_timeout").GetInt32());
    }
}
