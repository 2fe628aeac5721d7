using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// From a presence channel's actor when it starts: answered with <see cref="RemoteMembers"/>, then every later
/// <see cref="RemoteMemberChanged"/> of that channel goes to it, in order, until it stops.
/// </summary>
public sealed record WatchChannel(ChannelKey Key);

/// <summary>The channel's members with a socket on another node, as of the watch.</summary>
public sealed record RemoteMembers(IReadOnlyList<PresenceMember> Members);

/// <summary>A user became present (<paramref name="Added"/>) or absent on the other nodes, in the watched channel.</summary>
public sealed record RemoteMemberChanged(PresenceMember Member, bool Added);

/// <summary>From a channel actor: a user's first socket on this node joined the channel.</summary>
public sealed record LocalMemberJoined(ChannelKey Key, PresenceMember Member);

/// <summary>From a channel actor: a user's last socket on this node left the channel.</summary>
public sealed record LocalMemberLeft(ChannelKey Key, string UserId);

/// <summary>
/// From an actor that follows every member appearing in or vanishing from the whole cluster (webhooks, watchlists):
/// from now on it is told <see cref="ClusterMembersChanged"/>, in order, for the life of the node. Sent when the
/// listener starts, before the node links with any peer, so it misses nothing.
/// </summary>
public sealed record ListenToClusterChanges
{
    public static ListenToClusterChanges Instance { get; } = new();
}

public sealed record ClusterMembersChanged(IReadOnlyList<ClusterChange> Changes);

/// <summary>A node was removed from the cluster: forget the members it owned.</summary>
public sealed record OriginRemoved(string Origin);

/// <summary>The channel's members, cluster-wide; answered with <see cref="ChannelMembers"/>.</summary>
public sealed record GetMembers(ChannelKey Key);

public sealed record ChannelMembers(IReadOnlyList<PresenceMember> Members);

/// <summary>Answered with <see cref="PresenceStats"/>.</summary>
public sealed record GetPresenceStats
{
    public static GetPresenceStats Instance { get; } = new();
}

/// <param name="LocalMembers">Presence members (user, channel) with a socket on this node.</param>
/// <param name="ClusterMembers">Presence members (user, channel) in the whole cluster, as this node's replica sees them.</param>
public sealed record PresenceStats(int LocalMembers, int ClusterMembers);
