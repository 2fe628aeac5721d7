using Akka.Actor;

namespace Broadcaster.Node.Hosting;

/// <summary>The node's actor system and its long-lived actors.</summary>
public sealed record NodeActors(ActorSystem System, IActorRef Connections, IActorRef Channels);
