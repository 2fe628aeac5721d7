using Broadcaster.Actors.Connections;
using Akka.Actor;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>
/// The channel side of one node in the test kit's own system: its <see cref="Channels.ChannelDirectory"/>, its
/// <see cref="Presence.PresenceActor"/>, and the recording topic both publish to.
/// </summary>
public sealed record LocalChannels(IActorRef Directory, IActorRef Presence, IActorRef Topic, IActorRef Users, IActorRef Webhooks)
{
    /// <summary>What a connection actor of this node talks to.</summary>
    public ConnectionRoutes Routes => new(Directory, Users, Webhooks);
}
