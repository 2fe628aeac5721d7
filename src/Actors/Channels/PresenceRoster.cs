using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// Members of a presence channel keyed by user id, each with its number of connections, so a user with
/// three tabs is one member: added on the first connection, removed with the last. The first
/// connection's user_info is kept (PROTOCOL.md 2.6).
/// </summary>
public sealed class PresenceRoster
{
    private readonly Dictionary<string, (PresenceMember Member, int Connections)> _members = new(StringComparer.Ordinal);

    public int Count => _members.Count;

    public bool Contains(string userId) => _members.ContainsKey(userId);

    public IReadOnlyList<PresenceMember> Members => _members.Values.Select(v => v.Member).ToList();

    /// <summary>Returns true when this is the user's first connection: the moment to announce <c>member_added</c>.</summary>
    public bool Add(PresenceMember member)
    {
        if (_members.TryGetValue(member.UserId, out var entry))
        {
            _members[member.UserId] = (entry.Member, entry.Connections + 1);
            return false;
        }
        _members[member.UserId] = (member, 1);
        return true;
    }

    /// <summary>Returns true when the user's last connection left: the moment to announce <c>member_removed</c>.</summary>
    public bool Remove(string userId)
    {
        if (!_members.TryGetValue(userId, out var entry)) return false;
        if (entry.Connections > 1)
        {
            _members[userId] = (entry.Member, entry.Connections - 1);
            return false;
        }
        _members.Remove(userId);
        return true;
    }
}
