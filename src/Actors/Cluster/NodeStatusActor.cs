using Akka.Actor;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Cluster;

/// <summary>
/// Answers <see cref="GetNodeStatus"/> for the cluster status command: this node's readiness, connections, channels,
/// subscriptions and presence members, gathered from the actors that own them without blocking any of them. A node is
/// ready when its bus is and it serves clients (it listens, and is not stopping).
/// </summary>
public sealed class NodeStatusActor : ReceiveActor
{
    public NodeStatusActor(IActorRef bus, IActorRef channels, IActorRef presence, AppConnectionCounter counter, TimeSpan timeout, Func<bool> serving)
    {
        Receive<GetNodeStatus>(_ =>
        {
            var status = bus.Ask<BusStatus>(GetBusStatus.Instance, timeout);
            var channelStats = channels.Ask<ChannelStats>(GetChannelStats.Instance, timeout);
            var presenceStats = presence.Ask<PresenceStats>(GetPresenceStats.Instance, timeout);
            var connections = counter.Total;
            Task.WhenAll(status, channelStats, presenceStats).PipeTo(Sender, success: () => new NodeStatusReport(
                status.Result.NodeId, status.Result.Ready && serving(), connections, channelStats.Result.Channels,
                channelStats.Result.Subscriptions, presenceStats.Result.LocalMembers));
        });
    }

    public static Props Props(IActorRef bus, IActorRef channels, IActorRef presence, AppConnectionCounter counter, TimeSpan timeout,
        Func<bool> serving) =>
        Akka.Actor.Props.Create(() => new NodeStatusActor(bus, channels, presence, counter, timeout, serving));
}
