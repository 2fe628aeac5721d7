using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// The node's actors a connection actor talks to, in one object shared by every connection (one field per connection
/// instead of one per actor).
/// </summary>
/// <param name="Channels">The <see cref="Channels.ChannelDirectory"/>: subscribe, unsubscribe, client events.</param>
/// <param name="Users">The <see cref="Users.UserDirectory"/>: signed-in users, terminate, watchlists.</param>
/// <param name="Webhooks">The <see cref="Webhooks.WebhookEmitter"/>: <c>client_event</c> webhooks.</param>
public sealed record ConnectionRoutes(IActorRef Channels, IActorRef Users, IActorRef Webhooks);
