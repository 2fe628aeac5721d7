using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// A node's own user joined (<paramref name="Joined"/>) or left a presence channel: its first or last socket there
/// on that node. <paramref name="Sequence"/> orders the deltas of one origin. Published on the cluster topic.
/// </summary>
public sealed record PresenceDelta(string Origin, long Sequence, string AppId, string Channel, PresenceMember Member, bool Joined) : IWireMessage;

/// <summary>Asks a node's presence actor for its own entries; answered to the sender with <see cref="PresenceSnapshot"/>.</summary>
public sealed record PresenceSnapshotRequest(string RequestedBy) : IWireMessage;

/// <summary>All presence entries a node owns, as of its delta <paramref name="Sequence"/>.</summary>
public sealed record PresenceSnapshot(string Origin, long Sequence, IReadOnlyList<PresenceSnapshotEntry> Entries) : IWireMessage;

public sealed record PresenceSnapshotEntry(string AppId, string Channel, PresenceMember Member);
