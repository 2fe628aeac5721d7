using Akka.Actor;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus format. Where soketi has a metric for the same thing the name is soketi's
/// with this server's prefix (<c>broadcaster_connected</c> for <c>soketi_connected</c>, ...), so existing
/// Grafana dashboards work after replacing the prefix.
/// </summary>
public sealed class MetricsEndpoint(BroadcasterOptions options, NodeMetrics metrics, AppConnectionCounter connections, NodeActors actors)
{
    private const string P = "broadcaster_";

    public async Task<string> RenderAsync()
    {
        var channels = await actors.Channels.Ask<ChannelStats>(GetChannelStats.Instance, options.Cluster.QueryTimeout);
        var presence = await actors.Presence.Ask<PresenceStats>(GetPresenceStats.Instance, options.Cluster.QueryTimeout);
        var text = new PrometheusText();
        var apps = options.Apps.Select(a => a.Id).ToList();

        text.Family(P + "connected", "gauge", "Sockets connected to this node.");
        foreach (var app in apps) text.Sample(P + "connected", connections.Count(app), ("app_id", app));
        PerApp(text, "new_connections_total", "counter", "New connections accepted.", t => t.NewConnections);
        PerApp(text, "new_disconnections_total", "counter", "Connections closed.", t => t.Disconnections);
        PerApp(text, "socket_received_bytes", "counter", "WebSocket bytes received from clients.", t => t.SocketBytesReceived);
        PerApp(text, "socket_transmitted_bytes", "counter", "WebSocket bytes sent to clients.", t => t.SocketBytesSent);
        PerApp(text, "ws_messages_received_total", "counter", "WebSocket messages received from clients.", t => t.WsMessagesReceived);
        PerApp(text, "ws_messages_sent_total", "counter", "WebSocket messages sent to clients.", t => t.WsMessagesSent);
        PerApp(text, "http_received_bytes", "counter", "HTTP API request bytes received.", t => t.HttpBytesReceived);
        PerApp(text, "http_transmitted_bytes", "counter", "HTTP API response bytes sent.", t => t.HttpBytesSent);
        PerApp(text, "http_calls_received_total", "counter", "HTTP API calls received.", t => t.HttpCalls);
        PerApp(text, "slow_consumer_closes_total", "counter", "Connections closed with 4100 because the client stopped reading.", t => t.SlowConsumerCloses);

        text.Family(P + "rate_limited_total", "counter", "Requests refused by a rate limit: client events (4301) and HTTP API calls (429).");
        foreach (var app in apps)
        {
            text.Sample(P + "rate_limited_total", metrics.Actors.ClientEventsRateLimited.GetValueOrDefault(app), ("app_id", app), ("kind", "client_event"));
            text.Sample(P + "rate_limited_total", metrics.For(app).HttpRateLimited, ("app_id", app), ("kind", "http_api"));
        }
        text.Family(P + "over_capacity_total", "counter", "Connections refused with 4100 because the node was full.")
            .Sample(P + "over_capacity_total", metrics.OverCapacityRefusals);
        text.Family(P + "channels", "gauge", "Channels with a subscriber on this node.").Sample(P + "channels", channels.Channels);
        text.Family(P + "subscriptions", "gauge", "Channel subscriptions of sockets on this node.").Sample(P + "subscriptions", channels.Subscriptions);
        text.Family(P + "presence_members", "gauge", "Presence members (user and channel): with a socket on this node, and in the whole cluster.")
            .Sample(P + "presence_members", presence.LocalMembers, ("scope", "node"))
            .Sample(P + "presence_members", presence.ClusterMembers, ("scope", "cluster"));
        text.Family(P + "bus_messages_sent_total", "counter", "Messages sent to other nodes (events, client events, presence).")
            .Sample(P + "bus_messages_sent_total", metrics.Actors.BusMessagesSent);
        text.Family(P + "bus_messages_received_total", "counter", "Events and presence changes received from other nodes.")
            .Sample(P + "bus_messages_received_total", metrics.Actors.BusMessagesReceived);

        var state = Akka.Cluster.Cluster.Get(actors.System).State;
        text.Family(P + "cluster_members", "gauge", "Cluster members as this node sees them, by status.");
        foreach (var group in state.Members.GroupBy(m => m.Status))
            text.Sample(P + "cluster_members", group.Count(), ("status", group.Key.ToString().ToLowerInvariant()));
        text.Family(P + "cluster_unreachable_members", "gauge", "Cluster members this node cannot reach.")
            .Sample(P + "cluster_unreachable_members", state.Unreachable.Count);
        return text.ToString();
    }

    private void PerApp(PrometheusText text, string name, string type, string help, Func<AppTraffic, long> value)
    {
        text.Family(P + name, type, help);
        foreach (var app in options.Apps) text.Sample(P + name, value(metrics.For(app.Id)), ("app_id", app.Id));
    }
}
