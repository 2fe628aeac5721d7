namespace Broadcaster.Actors.Wire;

/// <summary>
/// Asked of a peer's channel directory by a node that has just linked with it: the cached events of the cache
/// channels it holds and its own subscription counts of counted channels. Answered to the sender with
/// <see cref="ChannelSnapshot"/>.
/// </summary>
public sealed record ChannelSnapshotRequest(string RequestedBy) : IWireMessage;

/// <summary>A node's cached events, each with the milliseconds it has left, and its own counts of counted channels.</summary>
public sealed record ChannelSnapshot(string Origin, IReadOnlyList<CacheSnapshotEntry> Cache, IReadOnlyList<CountSnapshotEntry> Counts) : IWireMessage;

public sealed record CacheSnapshotEntry(string AppId, string Channel, ReadOnlyMemory<byte> Frame, long LeftMs);

public sealed record CountSnapshotEntry(string AppId, string Channel, int Count);

/// <summary>
/// A node's own subscription count of a channel of an app that counts subscriptions changed (PROTOCOL.md 2.10).
/// Published on the cluster topic; every node adds up the origins' counts.
/// </summary>
public sealed record ChannelCountChanged(string Origin, string AppId, string Channel, int Count) : IWireMessage;
