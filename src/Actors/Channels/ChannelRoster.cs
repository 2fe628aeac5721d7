using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The members of one presence channel as its channel actor sees them: users with sockets on this node (with how
/// many) and users present on other nodes, as the presence actor reports them. A user is one member however many
/// sockets and nodes it has; the first <c>user_info</c> seen is kept. Pure logic: the channel actor owns one.
/// </summary>
public sealed class ChannelRoster
{
    private readonly Dictionary<string, PresenceMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _localSockets = new(StringComparer.Ordinal);
    private readonly HashSet<string> _remote = new(StringComparer.Ordinal);

    public int Count => _members.Count;

    public bool Contains(string userId) => _members.ContainsKey(userId);

    public IReadOnlyList<PresenceMember> Members() => [.. _members.Values];

    /// <summary>A local socket joined as <paramref name="member"/>.</summary>
    /// <returns>FirstLocal: the user's first socket here (tell the presence actor); Added: a new member (member_added).</returns>
    public (bool FirstLocal, bool Added) LocalJoin(PresenceMember member)
    {
        var sockets = _localSockets.GetValueOrDefault(member.UserId);
        _localSockets[member.UserId] = sockets + 1;
        return (sockets == 0, _members.TryAdd(member.UserId, member));
    }

    /// <summary>A local socket of <paramref name="userId"/> left.</summary>
    /// <returns>LastLocal: the user's last socket here (tell the presence actor); Removed: the member is gone (member_removed).</returns>
    public (bool LastLocal, bool Removed) LocalLeave(string userId)
    {
        if (!_localSockets.TryGetValue(userId, out var sockets)) return (false, false);
        if (sockets > 1)
        {
            _localSockets[userId] = sockets - 1;
            return (false, false);
        }
        _localSockets.Remove(userId);
        return (true, !_remote.Contains(userId) && _members.Remove(userId));
    }

    /// <summary>The user is now present on another node. Returns true when it is a new member.</summary>
    public bool RemoteAdded(PresenceMember member)
    {
        _remote.Add(member.UserId);
        return _members.TryAdd(member.UserId, member);
    }

    /// <summary>The user is no longer present on any other node. Returns true when the member is gone.</summary>
    public bool RemoteRemoved(string userId) =>
        _remote.Remove(userId) && !_localSockets.ContainsKey(userId) && _members.Remove(userId);
}
