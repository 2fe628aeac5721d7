using Akka.Actor;
using Broadcaster.Actors.Guardian;

namespace Broadcaster.Node.Hosting;

/// <summary>The node's actor system and its long-lived actors (the children of the node guardian).</summary>
public sealed record NodeActors(ActorSystem System, NodeRefs Refs)
{
    public IActorRef Connections => Refs.Connections;

    /// <summary>The <see cref="Actors.Channels.ChannelDirectory"/>.</summary>
    public IActorRef Channels => Refs.Channels;

    /// <summary>The <see cref="Actors.Presence.PresenceActor"/>.</summary>
    public IActorRef Presence => Refs.Presence;

    /// <summary>The <see cref="Actors.Cluster.NodeBus"/>.</summary>
    public IActorRef Bus => Refs.Bus;
}
