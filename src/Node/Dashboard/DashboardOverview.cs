using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Cluster;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.HttpApi;
using Broadcaster.Protocol.Channels;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// What the dashboard shows of the cluster at one moment: every member with its cluster status, reachability and
/// whether it serves (starting, serving, draining), each node's figures per app
/// (one scatter-gather, so a node that does not answer is listed without figures and named as missing), and each app's
/// presence channels with their cluster-wide member counts. Rates are per second since the previous overview; one
/// overview at most every half second is shared by every open page of this node. App secrets are never part of it.
/// </summary>
public sealed class DashboardOverview(NodeActors actors, ScatterGather scatter, ClusterQueries queries, BroadcasterOptions options, TimeProvider time)
{
    private static readonly TimeSpan Shared = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _one = new(1, 1);
    private Dictionary<string, (long At, NodeLoad Load)> _previous = new(StringComparer.Ordinal);
    private Dictionary<(string Node, string App), Rates> _rates = [];
    private (long At, object Overview)? _last;

    private sealed record Rates(double In, double Out, double Api);

    public async Task<object> GetAsync()
    {
        await _one.WaitAsync();
        try
        {
            var now = time.GetTimestamp();
            if (_last is { } last && time.GetElapsedTime(last.At, now) < Shared) return last.Overview;
            var overview = await BuildAsync(now);
            _last = (now, overview);
            return overview;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<object> BuildAsync(long now)
    {
        var gathered = await scatter.AskEveryNodeAsync<NodeLoad>("dashboard", actors.Refs.Dashboard, NodeLoadQuery.Instance);
        var loads = gathered.Answers.Select(a => a.Item2).ToDictionary(l => l.Node, StringComparer.Ordinal);
        UpdateRates(loads, now);
        var cluster = Akka.Cluster.Cluster.Get(actors.System);
        var state = cluster.State;
        var self = NodeName.Of(cluster.SelfAddress);
        var nodes = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m =>
        {
            var id = NodeName.Of(m.Address);
            loads.TryGetValue(id, out var load);
            return new
            {
                id,
                status = m.Status.ToString(),
                reachable = !state.Unreachable.Contains(m),
                // starting, serving or draining (a stopping node is still Up until it leaves); null without an answer.
                state = load?.State,
                self = id == self,
                connections = load?.Apps.Sum(a => a.Connections),
                channels = load?.Apps.Sum(a => a.Channels),
                ws_in_rate = load is null ? (double?)null : load.Apps.Sum(a => RateOf(id, a.AppId).In),
                ws_out_rate = load is null ? (double?)null : load.Apps.Sum(a => RateOf(id, a.AppId).Out),
                api_rate = load is null ? (double?)null : load.Apps.Sum(a => RateOf(id, a.AppId).Api),
                apps = load?.Apps.ToDictionary(a => a.AppId, a => new
                {
                    connections = a.Connections,
                    channels = a.Channels,
                    ws_in_rate = RateOf(id, a.AppId).In,
                    ws_out_rate = RateOf(id, a.AppId).Out,
                    api_rate = RateOf(id, a.AppId).Api,
                }),
            };
        }).ToList();
        var apps = new List<object>();
        var missing = new SortedSet<string>(gathered.Missing, StringComparer.Ordinal);
        foreach (var app in options.Apps)
        {
            var perNode = loads.Values.SelectMany(l => l.Apps.Where(a => a.AppId == app.Id).Select(a => (l.Node, App: a))).ToList();
            // Channels as the HTTP API counts them: a channel with subscribers on two nodes is one channel, and a
            // presence channel's users are counted once however many nodes they are on.
            var channels = perNode.Any(p => p.App.Channels > 0) ? await queries.ChannelsAsync(app.Id) : null;
            missing.UnionWith(channels?.Missing ?? []);
            apps.Add(new
            {
                id = app.Id,
                key = app.Key,
                name = app.Name,
                connections = perNode.Sum(p => p.App.Connections),
                channels = channels?.Value.Count ?? 0,
                ws_in_rate = perNode.Sum(p => RateOf(p.Node, app.Id).In),
                ws_out_rate = perNode.Sum(p => RateOf(p.Node, app.Id).Out),
                api_rate = perNode.Sum(p => RateOf(p.Node, app.Id).Api),
                presence = (channels?.Value ?? []).Where(c => ChannelName.TypeOf(c.Name) == ChannelType.Presence)
                    .Select(c => new { channel = c.Name, members = c.UserCount }).ToList(),
            });
        }
        return new
        {
            time = time.GetUtcNow().ToUnixTimeMilliseconds(),
            self,
            nodes,
            apps,
            missing = missing.Select(m => NodeName.Of(Address.Parse(m))).Distinct().ToList(),
        };
    }

    private void UpdateRates(Dictionary<string, NodeLoad> loads, long now)
    {
        var rates = new Dictionary<(string Node, string App), Rates>();
        var previous = new Dictionary<string, (long, NodeLoad)>(StringComparer.Ordinal);
        foreach (var (node, load) in loads)
        {
            previous[node] = (now, load);
            if (!_previous.TryGetValue(node, out var before)) continue;
            var seconds = Math.Max(time.GetElapsedTime(before.At, now).TotalSeconds, 0.001);
            foreach (var app in load.Apps)
            {
                if (before.Load.Apps.FirstOrDefault(a => a.AppId == app.AppId) is not { } was) continue;
                rates[(node, app.AppId)] = new Rates(Per(app.WebSocketMessagesIn - was.WebSocketMessagesIn, seconds),
                    Per(app.WebSocketMessagesOut - was.WebSocketMessagesOut, seconds), Per(app.ApiCalls - was.ApiCalls, seconds));
            }
        }
        _previous = previous;
        _rates = rates;
    }

    private static double Per(long count, double seconds) => Math.Round(Math.Max(count, 0) / seconds, 2);

    private Rates RateOf(string node, string app) => _rates.GetValueOrDefault((node, app)) ?? new Rates(0, 0, 0);
}
