using Akka.Actor;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Prometheus;

namespace Broadcaster.Node.Metrics;

/// <summary>
/// <c>GET /metrics</c> in Prometheus format. Where soketi has a metric for the same thing the name is soketi's
/// with this server's prefix (<c>broadcaster_connected</c> for <c>soketi_connected</c>, ...), so existing
/// Grafana dashboards work after replacing the prefix. Process, GC and thread-pool metrics come with them.
/// </summary>
/// <remarks>
/// Each node has a registry of its own, never prometheus-net's static default one: several nodes run in one
/// process in the tests, and one node's numbers must not show up in another's scrape. Sockets and actors keep
/// counting with their cheap Interlocked counters; the values are copied into the registry only when scraped.
/// </remarks>
public sealed class MetricsEndpoint : IDisposable
{
    private const string P = "broadcaster_";

    private readonly BroadcasterOptions _options;
    private readonly NodeMetrics _metrics;
    private readonly AppConnectionCounter _connections;
    private readonly NodeActors _actors;
    private readonly ILogger<MetricsEndpoint> _logger;
    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly IDisposable _runtimeMeter;

    private readonly Gauge _connected;
    private readonly (Counter Counter, Func<AppTraffic, long> Read)[] _traffic;
    private readonly Counter _rateLimited;
    private readonly Counter _overCapacity;
    private readonly Gauge _channels;
    private readonly Gauge _subscriptions;
    private readonly Gauge _presenceMembers;
    private readonly Counter _busMessagesSent;
    private readonly Counter _busMessagesReceived;
    private readonly Gauge _clusterMembers;
    private readonly Gauge _clusterUnreachableMembers;
    private readonly Counter _webhooks;
    private readonly Webhooks.WebhookCounters _webhookCounters;

    public MetricsEndpoint(BroadcasterOptions options, NodeMetrics metrics, AppConnectionCounter connections, NodeActors actors,
        Webhooks.WebhookCounters webhooks, ILogger<MetricsEndpoint> logger)
    {
        _webhookCounters = webhooks;
        _options = options;
        _metrics = metrics;
        _connections = connections;
        _actors = actors;
        _logger = logger;

        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        _connected = factory.CreateGauge(P + "connected", "Sockets connected to this node.", "app_id");
        Counter PerApp(string name, string help) => factory.CreateCounter(P + name, help, "app_id");
        _traffic =
        [
            (PerApp("new_connections_total", "New connections accepted."), t => t.NewConnections),
            (PerApp("new_disconnections_total", "Connections closed."), t => t.Disconnections),
            (PerApp("socket_received_bytes", "WebSocket bytes received from clients."), t => t.SocketBytesReceived),
            (PerApp("socket_transmitted_bytes", "WebSocket bytes sent to clients."), t => t.SocketBytesSent),
            (PerApp("ws_messages_received_total", "WebSocket messages received from clients."), t => t.WsMessagesReceived),
            (PerApp("ws_messages_sent_total", "WebSocket messages sent to clients."), t => t.WsMessagesSent),
            (PerApp("http_received_bytes", "HTTP API request bytes received."), t => t.HttpBytesReceived),
            (PerApp("http_transmitted_bytes", "HTTP API response bytes sent."), t => t.HttpBytesSent),
            (PerApp("http_calls_received_total", "HTTP API calls received."), t => t.HttpCalls),
            (PerApp("slow_consumer_closes_total", "Connections closed with 4100 because the client stopped reading."), t => t.SlowConsumerCloses),
        ];
        _rateLimited = factory.CreateCounter(P + "rate_limited_total",
            "Requests refused by a rate limit: client events (4301) and HTTP API calls (429).", "app_id", "kind");
        _overCapacity = factory.CreateCounter(P + "over_capacity_total", "Connections refused with 4100 because the node was full.");
        _channels = factory.CreateGauge(P + "channels", "Channels with a subscriber on this node.");
        _subscriptions = factory.CreateGauge(P + "subscriptions", "Channel subscriptions of sockets on this node.");
        _presenceMembers = factory.CreateGauge(P + "presence_members",
            "Presence members (user and channel): with a socket on this node, and in the whole cluster.", "scope");
        _busMessagesSent = factory.CreateCounter(P + "bus_messages_sent_total", "Messages sent to other nodes (events, client events, presence).");
        _busMessagesReceived = factory.CreateCounter(P + "bus_messages_received_total", "Events and presence changes received from other nodes.");
        _clusterMembers = factory.CreateGauge(P + "cluster_members", "Cluster members as this node sees them, by status.", "status");
        _clusterUnreachableMembers = factory.CreateGauge(P + "cluster_unreachable_members", "Cluster members this node cannot reach.");
        _webhooks = factory.CreateCounter(P + "webhooks_total",
            "Webhook events this node sent, by outcome: delivered, failed (given up after retrying, or refused with a 4xx), " +
            "dropped (the endpoint's queue was full), and retried requests.", "app_id", "outcome");

        // process_* and dotnet_collection_count_total, and the runtime's own meter for what those lack: thread-pool
        // threads and queue length, GC heap sizes and pause time, lock contention.
        DotNetStats.Register(_registry);
        _runtimeMeter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = _registry,
            // The options default to the static default registry's factory, which would win over Registry.
            MetricFactory = factory,
            // Observable instruments are read at each scrape. The adapter drops a series that has not changed for
            // five minutes, so the one pushed counter (dotnet.exceptions) would fall back to 0 after a quiet spell.
            InstrumentFilterPredicate = instrument => instrument.Meter.Name == "System.Runtime" && instrument.IsObservable,
        });
        _registry.AddBeforeCollectCallback(CollectAsync);
    }

    /// <summary>Serves this node's registry at <c>/metrics</c> on <paramref name="routes"/>.</summary>
    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapMetrics(settings =>
            {
                settings.Registry = _registry;
                // OpenMetrics would declare the counters whose names do not end in _total (the *_bytes ones, named as
                // soketi names them) as "unknown": the classic text format keeps every family's type as published.
                settings.EnableOpenMetrics = false;
            })
            .WithMetadata(new HttpMethodMetadata(["GET"]));

    /// <summary>Copies the counters into the registry just before a scrape writes it out.</summary>
    private async Task CollectAsync(CancellationToken cancel)
    {
        foreach (var app in _options.Apps.Select(a => a.Id))
        {
            var traffic = _metrics.For(app);
            _connected.WithLabels(app).Set(_connections.Count(app));
            foreach (var (counter, read) in _traffic) counter.WithLabels(app).IncTo(read(traffic));
            _rateLimited.WithLabels(app, "client_event").IncTo(_metrics.Actors.ClientEventsRateLimited.GetValueOrDefault(app));
            _rateLimited.WithLabels(app, "http_api").IncTo(traffic.HttpRateLimited);
            if (_options.Apps.First(a => a.Id == app).Webhooks is { Count: > 0 })
                foreach (var outcome in Webhooks.WebhookCounters.Outcomes) _webhooks.WithLabels(app, outcome).IncTo(_webhookCounters.Read(app, outcome));
        }
        _overCapacity.IncTo(_metrics.OverCapacityRefusals);
        _busMessagesSent.IncTo(_metrics.Actors.BusMessagesSent);
        _busMessagesReceived.IncTo(_metrics.Actors.BusMessagesReceived);

        ActorReadings readings;
        try
        {
            readings = await ReadActorsAsync(cancel);
        }
        catch (AskTimeoutException e)
        {
            // prometheus-net would swallow the exception: say why the actor numbers of this scrape are the last ones.
            _logger.LogWarning("Metrics: the channel directory or presence actor did not answer in time, channel and presence numbers not updated: {Error}", e.Message);
            return;
        }
        _channels.Set(readings.Channels);
        _subscriptions.Set(readings.Subscriptions);
        _presenceMembers.WithLabels("node").Set(readings.LocalPresenceMembers);
        _presenceMembers.WithLabels("cluster").Set(readings.ClusterPresenceMembers);
        foreach (var (status, count) in readings.ClusterMembersByStatus) _clusterMembers.WithLabels(status).Set(count);
        // A status no member has any more has no series, as before the first member had it.
        foreach (var labels in _clusterMembers.GetAllLabelValues().ToList())
            if (!readings.ClusterMembersByStatus.ContainsKey(labels[0])) _clusterMembers.RemoveLabelled(labels);
        _clusterUnreachableMembers.Set(readings.ClusterUnreachableMembers);
    }

    private sealed record ActorReadings(int Channels, int Subscriptions, int LocalPresenceMembers, int ClusterPresenceMembers,
        IReadOnlyDictionary<string, int> ClusterMembersByStatus, int ClusterUnreachableMembers);

    /// <summary>Everything the metrics need from the actor layer, read in one place.</summary>
    private async Task<ActorReadings> ReadActorsAsync(CancellationToken cancel)
    {
        var timeout = _options.Cluster.QueryTimeout;
        var channels = _actors.Channels.Ask<ChannelStats>(GetChannelStats.Instance, timeout, cancel);
        var presence = _actors.Presence.Ask<PresenceStats>(GetPresenceStats.Instance, timeout, cancel);
        var (stats, members) = (await channels, await presence);
        var cluster = Akka.Cluster.Cluster.Get(_actors.System).State;
        var byStatus = cluster.Members.GroupBy(m => m.Status).ToDictionary(g => g.Key.ToString().ToLowerInvariant(), g => g.Count(), StringComparer.Ordinal);
        return new ActorReadings(stats.Channels, stats.Subscriptions, members.LocalMembers, members.ClusterMembers,
            byStatus, cluster.Unreachable.Count);
    }

    public void Dispose() => _runtimeMeter.Dispose();
}
