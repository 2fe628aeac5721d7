namespace Broadcaster.Actors.Wire;

/// <summary>
/// Asked of a peer's channel directory by a node that has just linked with it: every cache channel's cached event it
/// holds. Answered to the sender with <see cref="CacheSnapshot"/>.
/// </summary>
public sealed record CacheSnapshotRequest(string RequestedBy) : IWireMessage;

/// <summary>A node's cached events, each with the milliseconds it has left.</summary>
public sealed record CacheSnapshot(IReadOnlyList<CacheSnapshotEntry> Entries) : IWireMessage;

public sealed record CacheSnapshotEntry(string AppId, string Channel, ReadOnlyMemory<byte> Frame, long LeftMs);
