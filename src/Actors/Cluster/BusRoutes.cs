using Akka.Actor;

namespace Broadcaster.Actors.Cluster;

/// <summary>The actors the <see cref="NodeBus"/> hands what other nodes publish to, each the owner of its kind.</summary>
public sealed record BusRoutes(
    IActorRef Channels, IActorRef Presence, IActorRef ConnectionCounts, IActorRef Users, IActorRef Statistics, IActorRef Dashboard);
