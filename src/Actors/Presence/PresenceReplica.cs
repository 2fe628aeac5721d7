using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// Every presence member of the cluster, grouped by the node that owns the member's sockets (its origin).
/// Each node is the authority for its own sockets and tells the others only when one of its users joins or
/// leaves a channel; every node derives the same cluster-wide view from those deltas. A user is one member
/// however many nodes and sockets it has: <c>member_added</c> on its first, <c>member_removed</c> on its last.
/// Pure logic, no actors: the registry actor owns one.
/// </summary>
public sealed class PresenceReplica(string self)
{
    /// <summary>Per channel, per user: the member as first seen and the origins that hold it (with socket counts for our own).</summary>
    private sealed class ChannelMembers
    {
        public readonly Dictionary<string, PresenceMember> First = new(StringComparer.Ordinal);
        public readonly Dictionary<string, HashSet<string>> Origins = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> LocalSockets = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<PresenceKey, ChannelMembers> _channels = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);

    public string Self { get; } = self;

    /// <summary>Members (user, channel) whose sockets are on this node.</summary>
    public int LocalMemberCount() => _channels.Values.Sum(c => c.LocalSockets.Count);

    /// <summary>Members (user, channel) in the whole cluster.</summary>
    public int MemberCount() => _channels.Values.Sum(c => c.Origins.Count);

    public int UserCount(PresenceKey key) => _channels.TryGetValue(key, out var c) ? c.Origins.Count : 0;

    public bool HasUser(PresenceKey key, string userId) => _channels.TryGetValue(key, out var c) && c.Origins.ContainsKey(userId);

    public IReadOnlyList<PresenceMember> Members(PresenceKey key) =>
        _channels.TryGetValue(key, out var c) ? c.Origins.Keys.Select(u => c.First[u]).ToList() : [];

    /// <summary>A local socket joined as <paramref name="member"/>.</summary>
    /// <returns>FirstLocal: tell the other nodes; ClusterAdded: announce <c>member_added</c>.</returns>
    public (bool FirstLocal, bool ClusterAdded) LocalJoin(PresenceKey key, PresenceMember member)
    {
        var channel = Channel(key);
        var sockets = channel.LocalSockets.GetValueOrDefault(member.UserId);
        channel.LocalSockets[member.UserId] = sockets + 1;
        if (sockets > 0) return (false, false);
        return (true, Add(channel, Self, member));
    }

    /// <summary>A local socket of <paramref name="userId"/> left.</summary>
    /// <returns>LastLocal: tell the other nodes; ClusterRemoved: announce <c>member_removed</c>.</returns>
    public (bool LastLocal, bool ClusterRemoved) LocalLeave(PresenceKey key, string userId)
    {
        if (!_channels.TryGetValue(key, out var channel) || !channel.LocalSockets.TryGetValue(userId, out var sockets)) return (false, false);
        if (sockets > 1)
        {
            channel.LocalSockets[userId] = sockets - 1;
            return (false, false);
        }
        channel.LocalSockets.Remove(userId);
        return (true, Remove(key, channel, Self, userId));
    }

    /// <summary>Applies another node's delta; stale or repeated sequence numbers are ignored.</summary>
    /// <returns>True when the cluster-wide membership of the user changed (announce it).</returns>
    public bool ApplyRemote(string origin, long sequence, PresenceKey key, PresenceMember member, bool joined)
    {
        if (sequence <= _lastSequence.GetValueOrDefault(origin)) return false;
        _lastSequence[origin] = sequence;
        if (joined) return Add(Channel(key), origin, member);
        return _channels.TryGetValue(key, out var channel) && Remove(key, channel, origin, member.UserId);
    }

    /// <summary>Replaces everything known of <paramref name="origin"/> with its own snapshot.</summary>
    /// <returns>The cluster-wide changes this caused: members added and removed.</returns>
    public List<(PresenceKey Key, PresenceMember Member, bool Added)> ApplySnapshot(
        string origin, long sequence, IEnumerable<(PresenceKey Key, PresenceMember Member)> entries)
    {
        var changes = new List<(PresenceKey, PresenceMember, bool)>();
        if (sequence < _lastSequence.GetValueOrDefault(origin)) return changes;
        _lastSequence[origin] = sequence;
        var fresh = entries.ToHashSet();
        foreach (var (key, member) in OwnedBy(origin).Where(e => !fresh.Contains(e)).ToList())
        {
            if (Remove(key, _channels[key], origin, member.UserId)) changes.Add((key, member, false));
        }
        foreach (var (key, member) in fresh)
        {
            var channel = Channel(key);
            if (channel.Origins.TryGetValue(member.UserId, out var origins) && origins.Contains(origin)) continue;
            if (Add(channel, origin, member)) changes.Add((key, member, true));
        }
        return changes;
    }

    /// <summary>A node was removed from the cluster: its members are gone.</summary>
    public List<(PresenceKey Key, PresenceMember Member, bool Added)> RemoveOrigin(string origin)
    {
        var changes = ApplySnapshot(origin, long.MaxValue, []);
        _lastSequence.Remove(origin);
        return changes;
    }

    /// <summary>This node's own entries: what a joining node asks for.</summary>
    public List<(PresenceKey Key, PresenceMember Member)> OwnEntries() => OwnedBy(Self).ToList();

    private IEnumerable<(PresenceKey Key, PresenceMember Member)> OwnedBy(string origin) =>
        from pair in _channels
        from user in pair.Value.Origins
        where user.Value.Contains(origin)
        select (pair.Key, pair.Value.First[user.Key]);

    private ChannelMembers Channel(PresenceKey key)
    {
        if (!_channels.TryGetValue(key, out var channel)) _channels[key] = channel = new ChannelMembers();
        return channel;
    }

    private static bool Add(ChannelMembers channel, string origin, PresenceMember member)
    {
        if (channel.Origins.TryGetValue(member.UserId, out var origins))
        {
            origins.Add(origin);
            return false;
        }
        channel.Origins[member.UserId] = [origin];
        channel.First[member.UserId] = member;
        return true;
    }

    private bool Remove(PresenceKey key, ChannelMembers channel, string origin, string userId)
    {
        if (!channel.Origins.TryGetValue(userId, out var origins) || !origins.Remove(origin) || origins.Count > 0) return false;
        channel.Origins.Remove(userId);
        channel.First.Remove(userId);
        if (channel.Origins.Count == 0 && channel.LocalSockets.Count == 0) _channels.Remove(key);
        return true;
    }
}
