using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// Every presence member of the cluster, grouped by the node that owns the member's sockets (its origin). Each node
/// is the authority for its own sockets and publishes a delta only when one of its users joins or leaves a channel;
/// every node derives the same view from those deltas and from one snapshot per peer. A user is one member however
/// many nodes it is on. Pure logic, no actors: the <see cref="PresenceActor"/> owns one.
/// <para>
/// A peer's deltas travel on the cluster topic and its snapshot point to point, so a delta may overtake the snapshot
/// it follows: deltas of an origin are held back until its snapshot arrives, then those newer than the snapshot are
/// applied in order.
/// </para>
/// </summary>
public sealed class PresenceReplica(string self)
{
    private sealed class User(PresenceMember first)
    {
        public PresenceMember First { get; } = first;
        public HashSet<string> Origins { get; } = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<ChannelKey, Dictionary<string, User>> _channels = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PresenceDelta>> _heldBack = new(StringComparer.Ordinal);
    /// <summary>
    /// Incarnations that were removed: what they sent before stopping may still arrive, and must not bring their
    /// members back. Node ids carry the incarnation, so a restarted node is a new origin.
    /// </summary>
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    /// <summary>Members that appeared in or vanished from the whole cluster since <see cref="TakeClusterChanges"/>.</summary>
    private List<ClusterChange> _clusterChanges = [];

    public string Self { get; } = self;

    /// <summary>Members (user, channel) of presence channels with a socket on this node.</summary>
    public int LocalMemberCount() => PresenceChannels().Sum(c => c.Values.Count(u => u.Origins.Contains(Self)));

    /// <summary>Members (user, channel) of presence channels in the whole cluster.</summary>
    public int MemberCount() => PresenceChannels().Sum(c => c.Count);

    /// <summary>
    /// Every member that appeared in the cluster (its first origin) or vanished from it (its last) since the last call,
    /// in order, local changes included: what once-per-cluster effects (webhooks, watchlists) follow.
    /// </summary>
    public List<ClusterChange> TakeClusterChanges()
    {
        var taken = _clusterChanges;
        _clusterChanges = [];
        return taken;
    }

    /// <summary>Real presence channels: the replica also carries the node-set keys of <see cref="ClusterSets"/>.</summary>
    private IEnumerable<Dictionary<string, User>> PresenceChannels() =>
        _channels.Where(c => !ClusterSets.IsSet(c.Key.Channel)).Select(c => c.Value);

    public int UserCount(ChannelKey key) => _channels.TryGetValue(key, out var c) ? c.Count : 0;

    public IReadOnlyList<PresenceMember> Members(ChannelKey key) =>
        _channels.TryGetValue(key, out var c) ? c.Values.Select(u => u.First).ToList() : [];

    /// <summary>Members with a socket on another node: what a channel actor of this node learns at its start.</summary>
    public IReadOnlyList<PresenceMember> RemoteMembers(ChannelKey key) =>
        _channels.TryGetValue(key, out var c) ? c.Values.Where(IsRemote).Select(u => u.First).ToList() : [];

    /// <summary>A user's first socket on this node joined the channel.</summary>
    public void LocalJoined(ChannelKey key, PresenceMember member) => Add(key, Self, member);

    /// <summary>A user's last socket on this node left the channel.</summary>
    public void LocalLeft(ChannelKey key, string userId) => Remove(key, Self, userId);

    /// <summary>Applies another node's delta; stale, repeated or removed-origin deltas are ignored.</summary>
    /// <returns>How the presence of the user on other nodes changed, for this node's channel actor.</returns>
    public List<RemoteChange> ApplyDelta(PresenceDelta delta)
    {
        var changes = new List<RemoteChange>();
        if (delta.Origin == Self || _removed.Contains(delta.Origin)) return changes;
        if (!_lastSequence.TryGetValue(delta.Origin, out var last))
        {
            Held(delta.Origin).Add(delta);
            return changes;
        }
        if (delta.Sequence > last) Apply(delta, changes);
        return changes;
    }

    /// <summary>Replaces everything known of the snapshot's origin with it, then applies the deltas held back for it.</summary>
    public List<RemoteChange> ApplySnapshot(PresenceSnapshot snapshot)
    {
        var changes = new List<RemoteChange>();
        var origin = snapshot.Origin;
        if (origin == Self || _removed.Contains(origin)) return changes;
        if (_lastSequence.TryGetValue(origin, out var last) && snapshot.Sequence < last) return changes;
        _lastSequence[origin] = snapshot.Sequence;
        var fresh = snapshot.Entries.Select(e => (Key: new ChannelKey(e.AppId, e.Channel), e.Member)).ToList();
        var kept = fresh.Select(e => (e.Key, e.Member.UserId)).ToHashSet();
        foreach (var (key, member) in OwnedBy(origin).Where(e => !kept.Contains((e.Key, e.Member.UserId))).ToList())
            Track(key, member, changes, () => Remove(key, origin, member.UserId));
        foreach (var (key, member) in fresh) Track(key, member, changes, () => Add(key, origin, member));
        if (_heldBack.Remove(origin, out var held))
        {
            foreach (var delta in held.Where(d => d.Sequence > snapshot.Sequence).OrderBy(d => d.Sequence)) Apply(delta, changes);
        }
        return changes;
    }

    /// <summary>A node was removed from the cluster: its members are gone, and nothing it sent later counts.</summary>
    public List<RemoteChange> RemoveOrigin(string origin)
    {
        var changes = new List<RemoteChange>();
        if (origin == Self) return changes;
        _removed.Add(origin);
        _heldBack.Remove(origin);
        _lastSequence.Remove(origin);
        foreach (var (key, member) in OwnedBy(origin).ToList()) Track(key, member, changes, () => Remove(key, origin, member.UserId));
        return changes;
    }

    /// <summary>The user ids of the channel's members with a socket on this node.</summary>
    public IReadOnlyList<string> OwnUserIds(ChannelKey key) =>
        _channels.TryGetValue(key, out var c) ? c.Values.Where(u => u.Origins.Contains(Self)).Select(u => u.First.UserId).ToList() : [];

    /// <summary>This node's own entries: what a joining node asks for.</summary>
    public List<PresenceSnapshotEntry> OwnEntries() =>
        OwnedBy(Self).Select(e => new PresenceSnapshotEntry(e.Key.AppId, e.Key.Channel, e.Member)).ToList();

    private void Apply(PresenceDelta delta, List<RemoteChange> changes)
    {
        _lastSequence[delta.Origin] = delta.Sequence;
        var key = new ChannelKey(delta.AppId, delta.Channel);
        Track(key, delta.Member, changes, delta.Joined
            ? () => Add(key, delta.Origin, delta.Member)
            : () => Remove(key, delta.Origin, delta.Member.UserId));
    }

    /// <summary>Runs <paramref name="change"/> and records whether the user's presence on other nodes flipped.</summary>
    private void Track(ChannelKey key, PresenceMember member, List<RemoteChange> changes, Action change)
    {
        var before = RemoteUser(key, member.UserId);
        change();
        var after = RemoteUser(key, member.UserId);
        if (before is null && after is not null) changes.Add(new RemoteChange(key, after.First, true));
        else if (before is not null && after is null) changes.Add(new RemoteChange(key, before.First, false));
    }

    private User? RemoteUser(ChannelKey key, string userId) =>
        _channels.TryGetValue(key, out var c) && c.TryGetValue(userId, out var u) && IsRemote(u) ? u : null;

    private bool IsRemote(User user) => user.Origins.Count > (user.Origins.Contains(Self) ? 1 : 0);

    private List<PresenceDelta> Held(string origin)
    {
        if (!_heldBack.TryGetValue(origin, out var held)) _heldBack[origin] = held = [];
        return held;
    }

    private IEnumerable<(ChannelKey Key, PresenceMember Member)> OwnedBy(string origin) =>
        from channel in _channels
        from user in channel.Value.Values
        where user.Origins.Contains(origin)
        select (channel.Key, user.First);

    private void Add(ChannelKey key, string origin, PresenceMember member)
    {
        if (!_channels.TryGetValue(key, out var users)) _channels[key] = users = new Dictionary<string, User>(StringComparer.Ordinal);
        if (!users.TryGetValue(member.UserId, out var user))
        {
            users[member.UserId] = user = new User(member);
            _clusterChanges.Add(new ClusterChange(key, member, true));
        }
        user.Origins.Add(origin);
    }

    private void Remove(ChannelKey key, string origin, string userId)
    {
        if (!_channels.TryGetValue(key, out var users) || !users.TryGetValue(userId, out var user)) return;
        user.Origins.Remove(origin);
        if (user.Origins.Count > 0) return;
        users.Remove(userId);
        _clusterChanges.Add(new ClusterChange(key, user.First, false));
        if (users.Count == 0) _channels.Remove(key);
    }
}
