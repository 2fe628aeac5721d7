using Akka.Actor;

namespace Broadcaster.Node.Hosting;

/// <summary>The node's actor system and its long-lived actors.</summary>
/// <param name="Bus">The <see cref="Actors.Cluster.NodeBus"/>: events go in here to reach every node.</param>
/// <param name="Channels">This node's <see cref="Actors.Channels.ChannelRegistry"/>.</param>
public sealed record NodeActors(ActorSystem System, IActorRef Connections, IActorRef Channels, IActorRef Bus);
