using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// Channel counts for the HTTP API, exact for the whole cluster: every node reports only its own
/// subscriptions, so summing never counts a socket twice; user counts come from this node's presence replica,
/// which already spans the cluster.
/// </summary>
public sealed class ClusterQueries(NodeActors actors)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<IReadOnlyList<ChannelInfo>> ChannelsAsync(string appId)
    {
        var lists = await AskEveryNodeAsync<ChannelList>(new GetChannels(appId));
        var local = lists[0].Channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        return lists.SelectMany(l => l.Channels)
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .Select(g => new ChannelInfo(g.Key, g.Sum(c => c.SubscriptionCount),
                local.TryGetValue(g.Key, out var mine) ? mine.UserCount : g.Max(c => c.UserCount)))
            .Where(c => c.Occupied)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<ChannelInfo> ChannelAsync(string appId, string channel)
    {
        var infos = await AskEveryNodeAsync<ChannelInfo>(new GetChannel(appId, channel));
        return new ChannelInfo(channel, infos.Sum(i => i.SubscriptionCount), infos[0].UserCount);
    }

    /// <summary>This node first, then every peer the bus exchanges events with.</summary>
    private async Task<IReadOnlyList<T>> AskEveryNodeAsync<T>(object query)
    {
        var peers = await actors.Bus.Ask<PeerBuses>(GetPeerBuses.Instance, Timeout);
        var asks = new List<Task<T>> { actors.Channels.Ask<T>(query, Timeout) };
        asks.AddRange(peers.Buses.Select(bus => bus.Ask<T>(query, Timeout)));
        return await Task.WhenAll(asks);
    }
}
