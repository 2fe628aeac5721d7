using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Dashboard;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Statistics;
using Broadcaster.Actors.Users;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Guardian;

/// <summary>
/// Starts the node's actors as siblings under one supervision policy and hands their references out without any
/// blocking ask. Each sibling has one job: presence (the replica), channels (channel actors and the fan-out),
/// connections, connection-count gossip, the bus (topic subscription and readiness), status and restarts.
/// <para>
/// Policy: an actor that fails on a message is resumed with its state, because that state is the node's live
/// subscriptions and presence, and losing it would silently cut clients off; the failure is logged. An actor that
/// cannot even start, or stops, leaves the node unable to serve: the node then shuts down, and its supervisor
/// (supervisord, systemd, Docker) starts it again, as after a crash.
/// </para>
/// </summary>
public sealed class NodeGuardian : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public NodeGuardian(NodeSettings settings, TaskCompletionSource<NodeRefs> started)
    {
        var topic = DistributedPubSub.Get(Context.System).Mediator;
        var self = NodeIds.Of(Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress);
        var presence = Start(PresenceActor.Props(self, topic), "presence");
        var events = new EventPublisher(topic);
        var webhooks = Start(WebhookEmitter.Props(settings.Apps, settings.Webhooks, presence, settings.WebhookDelay, settings.Time), "webhooks");
        var channels = Start(ChannelDirectory.Props(settings.Channels with { NodeId = self }, presence, webhooks, events), "channels");
        var users = Start(UserDirectory.Props(presence), "users");
        var connections = Start(ConnectionSupervisor.Props(new ConnectionRoutes(channels, users, webhooks), settings.Connections), "connections");
        var counts = Start(ConnectionCountGossip.Props(settings.ConnectionCounter, topic), "connection-counts");
        var statistics = Start(StatisticsRecorder.Props(settings.Statistics), "statistics");
        var dashboard = Start(DashboardRelay.Props(settings.Dashboard ?? new NoDashboard(self)), "dashboard");
        var bus = Start(NodeBus.Props(topic, new BusRoutes(channels, presence, counts, users, statistics, dashboard), settings.Connections.Counters), "bus");
        var status = Start(NodeStatusActor.Props(bus, channels, presence, settings.ConnectionCounter, settings.QueryTimeout, settings.Serving), "status");
        var restarts = Start(RestartScheduler.Props(settings.Restart, settings.Time), "restarts");
        var refs = new NodeRefs(connections, channels, presence, bus, status, restarts, events) {
            Users = users, Webhooks = webhooks, Statistics = statistics, Dashboard = dashboard,
        };

        Receive<Terminated>(t =>
        {
            _log.Error("The node's {0} actor stopped; shutting the node down so that its supervisor starts it again", t.ActorRef.Path.Name);
            CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.UnknownReason.Instance);
        });
        started.TrySetResult(refs);
    }

    /// <param name="started">Completed with the children's references once they exist.</param>
    public static Props Props(NodeSettings settings, TaskCompletionSource<NodeRefs> started) =>
        Akka.Actor.Props.Create(() => new NodeGuardian(settings, started));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
        e is ActorInitializationException ? Directive.Stop : Directive.Resume);

    private IActorRef Start(Props props, string name)
    {
        var child = Context.ActorOf(props, name);
        Context.Watch(child);
        return child;
    }
}
