using Akka.Actor;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Cluster;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// Channel counts and presence users for the HTTP API, exact for the whole cluster at the moment of the query: every
/// node reports only its own subscriptions and its own members, so summing (or joining) never counts a socket or a
/// user twice, and a member who joined or left on another node a moment ago is already counted as the client saw it
/// (read-your-writes, at one round trip). One scatter-gather for counts and one for users per request, whatever the
/// number of channels (a batch with <c>info</c> included). When a node does not answer, its members are taken from
/// this node's presence replica instead.
/// </summary>
public sealed class ClusterQueries(NodeActors actors, ScatterGather scatter, BroadcasterOptions options)
{
    /// <summary>The app's occupied channels, with counts; <see cref="Counted{T}.Missing"/> names nodes left out.</summary>
    public async Task<Counted<IReadOnlyList<ChannelInfo>>> ChannelsAsync(string appId)
    {
        var gathered = await scatter.AskEveryNodeAsync<ChannelCounts>("channels", actors.Channels, new ChannelCountsQuery(appId, null));
        var subscriptions = Sum(gathered);
        var users = await UsersAsync(appId, subscriptions.Keys.ToList());
        IReadOnlyList<ChannelInfo> channels = subscriptions
            .Select(c => new ChannelInfo(c.Key, c.Value, users.GetValueOrDefault(c.Key)))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        return new Counted<IReadOnlyList<ChannelInfo>>(channels, gathered.Missing);
    }

    /// <summary>Counts of each of <paramref name="channels"/>, in the order given (zeros when unoccupied).</summary>
    public async Task<Counted<IReadOnlyList<ChannelInfo>>> ChannelsAsync(string appId, IReadOnlyList<string> channels)
    {
        var gathered = await scatter.AskEveryNodeAsync<ChannelCounts>("channels", actors.Channels, new ChannelCountsQuery(appId, channels));
        var subscriptions = Sum(gathered);
        var users = await UsersAsync(appId, channels);
        IReadOnlyList<ChannelInfo> infos = channels
            .Select(c => new ChannelInfo(c, subscriptions.GetValueOrDefault(c), users.GetValueOrDefault(c))).ToList();
        return new Counted<IReadOnlyList<ChannelInfo>>(infos, gathered.Missing);
    }

    private static Dictionary<string, int> Sum(Gathered<ChannelCounts> gathered)
    {
        var sums = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, counts) in gathered.Answers)
        {
            foreach (var (channel, n) in counts.Subscriptions) sums[channel] = sums.GetValueOrDefault(channel) + n;
        }
        return sums;
    }

    private async Task<IReadOnlyDictionary<string, int>> UsersAsync(string appId, IReadOnlyList<string> channels)
    {
        var presence = channels.Where(c => ChannelName.TypeOf(c) == ChannelType.Presence).Distinct(StringComparer.Ordinal).ToList();
        if (presence.Count == 0) return new Dictionary<string, int>();
        var users = await UserIdsAsync(appId, presence);
        return users.Value.ToDictionary(u => u.Key, u => u.Value.Count, StringComparer.Ordinal);
    }

    /// <summary>The user ids of each presence channel, cluster-wide: the union of every node's own members.</summary>
    public async Task<Counted<IReadOnlyDictionary<string, IReadOnlyList<string>>>> UserIdsAsync(string appId, IReadOnlyList<string> channels)
    {
        var gathered = await scatter.AskEveryNodeAsync<OwnMembers>("presence", actors.Presence, new OwnMembersQuery(appId, channels));
        var union = channels.ToDictionary(c => c, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var (_, answer) in gathered.Answers)
        {
            foreach (var (channel, ids) in answer.UserIds)
                if (union.TryGetValue(channel, out var set)) set.UnionWith(ids);
        }
        if (!gathered.Complete)
        {
            // A node that did not answer: what this node's replica last heard of its members.
            foreach (var channel in channels)
            {
                var replica = await actors.Presence.Ask<ChannelMembers>(new GetMembers(new ChannelKey(appId, channel)), options.Cluster.QueryTimeout);
                union[channel].UnionWith(replica.Members.Select(m => m.UserId));
            }
        }
        IReadOnlyDictionary<string, IReadOnlyList<string>> result = union.ToDictionary(u => u.Key, u => (IReadOnlyList<string>)u.Value.ToList(), StringComparer.Ordinal);
        return new Counted<IReadOnlyDictionary<string, IReadOnlyList<string>>>(result, gathered.Missing);
    }
}
