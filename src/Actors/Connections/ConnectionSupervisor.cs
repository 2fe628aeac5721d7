using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Parent of every connection actor on the node, and owner of the one <see cref="LivenessWheel"/> their deadlines run
/// on. A connection actor that fails is stopped, not restarted: its state belongs to one socket, and its PostStop
/// closes the socket so the client reconnects cleanly.
/// </summary>
public sealed class ConnectionSupervisor : ReceiveActor
{
    private readonly LivenessWheel _wheel;

    public ConnectionSupervisor(IActorRef channels, ConnectionSettings settings)
    {
        _wheel = new LivenessWheel(settings.Time, new[] { settings.ActivityTimeout, settings.PongTimeout, settings.UserAuthenticationTimeout }.Min());
        Receive<OpenConnection>(open =>
        {
            var child = Context.ActorOf(ConnectionActor.Props(open.App, open.Socket, channels, settings, _wheel), open.Socket.SocketId);
            Sender.Tell(child);
        });
        Receive<GetConnectionActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PostStop() => _wheel.Dispose();

    public static Props Props(IActorRef channels, ConnectionSettings settings) =>
        Akka.Actor.Props.Create(() => new ConnectionSupervisor(channels, settings));
}
