using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// The one DistributedPubSub topic every node subscribes its bus to when it starts. Its name is part of the wire
/// contract: nodes of two versions that name it differently do not hear each other.
/// </summary>
public static class ClusterTopic
{
    public const string Name = "broadcaster";

    /// <summary>Publishes <paramref name="message"/> to every node, this one included, through <paramref name="mediator"/>.</summary>
    public static void Publish(IActorRef mediator, IWireMessage message, IActorRef? sender = null) =>
        mediator.Tell(new Publish(Name, message), sender ?? ActorRefs.NoSender);
}
