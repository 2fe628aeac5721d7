using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// Cluster-wide sets that ride on the presence replica as pseudo-channels, because they need exactly what presence
/// already does: each node the authority for its own part, ordered deltas, a snapshot for a joining node, and a
/// crashed node's part dropped when it is removed. Their names start with '#', which no channel a client or the HTTP
/// API can name does (only <c>#server-to-user-</c> is allowed, and it is not one of these).
/// </summary>
public static class ClusterSets
{
    /// <summary>Users with a signed-in connection (for watchlists); the member id is the user id.</summary>
    public const string Online = "#online";

    /// <summary>Occupied channels (for webhooks); the member id is the channel name.</summary>
    public const string Occupied = "#occupied";

    public static bool IsSet(string channel) => channel is Online or Occupied;

    public static ChannelKey OnlineOf(string appId) => new(appId, Online);

    public static ChannelKey OccupiedOf(string appId) => new(appId, Occupied);

    /// <summary>A set entry is a member with no user info.</summary>
    public static PresenceMember Entry(string id) => new(id, "{}");
}
