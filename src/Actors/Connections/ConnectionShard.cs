using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Parent of a share of the node's connection actors (<see cref="ConnectionSupervisor"/>). A connection actor that
/// fails is stopped, not restarted: its state belongs to one socket, and its PostStop closes the socket so the client
/// reconnects cleanly.
/// </summary>
public sealed class ConnectionShard : ReceiveActor
{
    public ConnectionShard(ConnectionRoutes routes, ConnectionSettings settings, LivenessWheel wheel)
    {
        Receive<OpenConnection>(open =>
            Sender.Tell(Context.ActorOf(ConnectionActor.Props(open.App, open.Socket, routes, settings, wheel), open.Socket.SocketId)));
        Receive<GetConnectionActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
    }

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(ConnectionRoutes routes, ConnectionSettings settings, LivenessWheel wheel) =>
        Akka.Actor.Props.Create(() => new ConnectionShard(routes, settings, wheel));
}
