using Akka.Actor;
using Broadcaster.Actors.Channels;
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
/// <param name="Events">Delivers accepted events here and publishes them for the other nodes, in one order.</param>
public sealed record NodeRefs(
    IActorRef Connections, IActorRef Channels, IActorRef Presence, IActorRef Bus, IActorRef Status, IActorRef Restarts, EventPublisher Events)
{
    public const string GuardianName = "node";

    /// <summary>The <see cref="Actors.Users.UserDirectory"/>: signed-in users, terminate, watchlists.</summary>
    public IActorRef Users { get; init; } = ActorRefs.Nobody;

    /// <summary>The <see cref="Actors.Webhooks.WebhookEmitter"/>.</summary>
    public IActorRef Webhooks { get; init; } = ActorRefs.Nobody;

    /// <summary>The <see cref="Actors.Statistics.StatisticsRecorder"/>.</summary>
    public IActorRef Statistics { get; init; } = ActorRefs.Nobody;

    /// <summary>The <see cref="Actors.Dashboard.DashboardRelay"/>.</summary>
    public IActorRef Dashboard { get; init; } = ActorRefs.Nobody;

    /// <summary>
    /// This node's statistics for an interval: to this node's recorder and, on the topic, every other node's (the next
    /// writer keeps them too).
    /// </summary>
    public void Publish(StatisticsSample sample)
    {
        Statistics.Tell(sample, Bus);
        ClusterTopic.Publish(Topic, sample, Bus);
    }

    /// <summary>
    /// Published for the other nodes only, with nothing handed to this node's actors: the dashboard's watch signals and
    /// log batches (this node hands its own to its pages itself). Named apart from <c>Publish</c>, which also delivers here.
    /// </summary>
    public void PublishToPeers(IWireMessage message) => ClusterTopic.Publish(Topic, message, Bus);

    /// <summary>
    /// <c>terminate_connections</c> accepted by this node's HTTP API: handed to this node's user directory and published
    /// for the others, like an event.
    /// </summary>
    public void TerminateUser(TerminateUser terminate)
    {
        Users.Tell(terminate, Bus);
        ClusterTopic.Publish(Topic, terminate, Bus);
    }

    /// <summary>Creates the <see cref="NodeGuardian"/> at <c>/user/node</c>; completes once its children exist.</summary>
    public static Task<NodeRefs> StartAsync(ActorSystem system, NodeSettings settings)
    {
        var started = new TaskCompletionSource<NodeRefs>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(NodeGuardian.Props(settings, started), GuardianName);
        return started.Task;
    }

    /// <summary>
    /// An event accepted by this node's HTTP API: handed to this node's channel directory directly, and published on
    /// the cluster topic for the other nodes (the bus drops the copy the topic hands back to this node).
    /// </summary>
    public void Publish(ChannelEvent channelEvent) => Events.Publish(Channels, channelEvent, Bus);

    /// <summary>The DistributedPubSub mediator.</summary>
    public IActorRef Topic => Events.Topic;
}
