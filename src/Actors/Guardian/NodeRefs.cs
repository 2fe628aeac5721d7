using Akka.Actor;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Guardian;

/// <summary>
/// The node's long-lived actors, all children of the <see cref="NodeGuardian"/> at <c>/user/node/{name}</c> (the same
/// path on every node, which is how nodes address each other's actors).
/// </summary>
/// <param name="Connections">Parent of the connection actors.</param>
/// <param name="Channels">The <see cref="Channels.ChannelDirectory"/>: channel actors and the ordered fan-out.</param>
/// <param name="Presence">The <see cref="Presence.PresenceActor"/>: the cluster's presence members.</param>
/// <param name="Bus">The <see cref="Cluster.NodeBus"/>: the cluster topic subscription and readiness.</param>
/// <param name="Status">The <see cref="Cluster.NodeStatusActor"/>.</param>
/// <param name="Restarts">The <see cref="Cluster.RestartScheduler"/>.</param>
/// <param name="Topic">The DistributedPubSub mediator events are published through.</param>
public sealed record NodeRefs(
    IActorRef Connections, IActorRef Channels, IActorRef Presence, IActorRef Bus, IActorRef Status, IActorRef Restarts, IActorRef Topic)
{
    public const string GuardianName = "node";

    /// <summary>Creates the <see cref="NodeGuardian"/> at <c>/user/node</c>; completes once its children exist.</summary>
    public static Task<NodeRefs> StartAsync(ActorSystem system, NodeSettings settings)
    {
        var started = new TaskCompletionSource<NodeRefs>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(NodeGuardian.Props(settings, started), GuardianName);
        return started.Task;
    }

    /// <summary>Publishes to every node, this one included (an event triggered through this node's HTTP API).</summary>
    public void Publish(IWireMessage message) => ClusterTopic.Publish(Topic, message, Bus);
}
