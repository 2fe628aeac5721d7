using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Parent of every connection actor on the node, through <see cref="Shards"/> <see cref="ConnectionShard"/>s, and
/// owner of the one <see cref="LivenessWheel"/> their deadlines run on. The shards are there because of how Akka keeps
/// an actor's children: an immutable dictionary, so every child added copies a path of the tree, and under one parent
/// of 10,000 connections that copying was the largest single source of garbage a new connection made (measured).
/// Thirty-two parents keep each tree small, and new connections are created on more than one thread.
/// </summary>
public sealed class ConnectionSupervisor : ReceiveActor
{
    public const int Shards = 32;

    private readonly LivenessWheel _wheel;
    private readonly IActorRef[] _shards;

    public ConnectionSupervisor(ConnectionRoutes routes, ConnectionSettings settings)
    {
        _wheel = new LivenessWheel(settings.Time, new[] { settings.ActivityTimeout, settings.PongTimeout, settings.UserAuthenticationTimeout }.Min());
        _shards = Enumerable.Range(0, Shards)
            .Select(i => Context.ActorOf(ConnectionShard.Props(routes, settings, _wheel), $"shard-{i}"))
            .ToArray();
        Receive<OpenConnection>(open => _shards[(uint)open.Socket.SocketId.GetHashCode() % Shards].Forward(open));
        ReceiveAsync<GetConnectionActorCount>(async query =>
        {
            var sender = Sender;
            var counts = await Task.WhenAll(_shards.Select(s => s.Ask<int>(query, TimeSpan.FromSeconds(5))));
            sender.Tell(counts.Sum());
        });
    }

    /// <summary>A shard only creates actors: if that ever throws, it carries on, its connections untouched.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Resume);

    protected override void PostStop() => _wheel.Dispose();

    public static Props Props(ConnectionRoutes routes, ConnectionSettings settings) =>
        Akka.Actor.Props.Create(() => new ConnectionSupervisor(routes, settings));
}
