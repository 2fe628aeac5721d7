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
/// Channel counts for the HTTP API, exact for the whole cluster: every node reports only its own subscriptions, so
/// summing never counts a socket twice; user counts come from this node's presence replica, which already spans the
/// cluster. One scatter-gather per request, whatever the number of channels (a batch with <c>info</c> included).
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
        var presence = channels.Where(c => ChannelName.TypeOf(c) == ChannelType.Presence).ToList();
        if (presence.Count == 0) return new Dictionary<string, int>();
        var counts = await actors.Presence.Ask<UserCounts>(new GetUserCounts(appId, presence), options.Cluster.QueryTimeout);
        return counts.Users;
    }
}
