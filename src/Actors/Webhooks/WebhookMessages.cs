using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Webhooks;

/// <summary>
/// A webhook that arose on this node and is this node's to send: a relayed client event, a cache miss. Occupancy and
/// member webhooks are derived by the emitter itself from the cluster's presence replica.
/// </summary>
public sealed record WebhookHappened(string AppId, WebhookEvent Event);

/// <summary>A channel's subscription count, cluster-wide, changed (for the <c>subscription_count</c> webhook).</summary>
public sealed record SubscriptionCountChanged(string AppId, string Channel, int Count);
