using Broadcaster.Actors.Cluster;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// A node's own user joined (<paramref name="Joined"/>) or left a presence channel: its first or last socket there.
/// <paramref name="Sequence"/> orders the deltas of one origin.
/// </summary>
public sealed record PresenceDelta(string Origin, long Sequence, string AppId, string Channel, PresenceMember Member, bool Joined) : IBusMessage;

/// <summary>Asks a node for its own presence entries; answered with <see cref="PresenceSnapshot"/>.</summary>
public sealed record PresenceSnapshotRequest(string RequestedBy) : IBusMessage;

/// <summary>All presence entries a node owns, as of <paramref name="Sequence"/>.</summary>
public sealed record PresenceSnapshot(string Origin, long Sequence, IReadOnlyList<PresenceSnapshotEntry> Entries) : IBusMessage;

public sealed record PresenceSnapshotEntry(string AppId, string Channel, PresenceMember Member);

/// <summary>The registry's answer to <see cref="PresenceSnapshotRequest"/>, for the bus to pass on to the node that asked.</summary>
public sealed record SnapshotFor(string RequestedBy, PresenceSnapshot Snapshot);

/// <summary>A node left or was removed from the cluster: forget the members it owned.</summary>
public sealed record OriginRemoved(string Origin);
