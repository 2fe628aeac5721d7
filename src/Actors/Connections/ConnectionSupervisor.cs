using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Parent of every connection actor on the node. A connection actor that fails is stopped, not restarted:
/// its state belongs to one socket, and its PostStop closes the socket so the client reconnects cleanly.
/// </summary>
public sealed class ConnectionSupervisor : ReceiveActor
{
    public ConnectionSupervisor(IActorRef channels, ConnectionSettings settings)
    {
        Receive<OpenConnection>(open =>
        {
            var child = Context.ActorOf(ConnectionActor.Props(open.App, open.Socket, channels, settings), open.Socket.SocketId);
            Sender.Tell(child);
        });
        Receive<GetConnectionActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(IActorRef channels, ConnectionSettings settings) =>
        Akka.Actor.Props.Create(() => new ConnectionSupervisor(channels, settings));
}
