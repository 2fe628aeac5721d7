using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Monitoring;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Configuration;

/// <summary>Everything a node runs with, resolved from HOCON defaults, the user's file, env vars and flags.</summary>
public sealed record BroadcasterOptions
{
    public string Host { get; init; } = "0.0.0.0";
    public int Port { get; init; } = 6001;
    /// <summary>"" or a path starting with '/' and without a trailing slash, e.g. "/ws".</summary>
    public string PathPrefix { get; init; } = "";
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan PongTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>A connection sent nothing for this long gets a WebSocket keep-alive (proxies cut idle upstreams).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(25);
    public TimeSpan UserAuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int OutgoingQueueSize { get; init; } = 1000;
    /// <summary>
    /// A connection must have sent its whole request head (a WebSocket upgrade or an HTTP request) within this, or it
    /// is dropped: a client trickling its headers (slowloris) holds a socket for this long at most.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;
    public IReadOnlyList<PusherApp> Apps { get; init; } = [];
    /// <summary>True when no app was configured and the node made one up from PUSHER_APP_* or the built-in defaults.</summary>
    public bool UsesDefaultApp { get; init; }
    public bool Debug { get; init; }
    public ClusterOptions Cluster { get; init; } = new();
    public TlsOptions Tls { get; init; } = new();
    /// <summary>Sockets this node accepts in all (4100 beyond).</summary>
    public int MaxConnections { get; init; } = 50_000;
    /// <summary>HTTP API calls per second per app on this node (429 beyond); 0: no limit.</summary>
    public int ApiRequestsPerSecond { get; init; } = 1000;
    public bool MetricsEnabled { get; init; } = true;
    public string MetricsHost { get; init; } = "";
    /// <summary>0: /metrics on the main port.</summary>
    public int MetricsPort { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
    public LogLevel AkkaLogLevel { get; init; } = LogLevel.Warning;
    /// <summary>Signs <c>restart</c>/<c>status</c> requests (auth_key "admin"); empty: only app credentials do.</summary>
    public string AdminSecret { get; init; } = "";
    public WebhookOptions Webhooks { get; init; } = new();
    /// <summary>How long the last event of a cache channel is kept (PROTOCOL.md 2.8).</summary>
    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(30);
    public DashboardOptions Dashboard { get; init; } = new();
    public StatisticsOptions Statistics { get; init; } = new();

    public ConnectionSettings ToConnectionSettings(Action<string>? debugLog, NodeCounters counters, TimeProvider? time = null) => new()
    {
        Counters = counters,
        Time = time ?? TimeProvider.System,
        ActivityTimeout = ActivityTimeout,
        PongTimeout = PongTimeout,
        UserAuthenticationTimeout = UserAuthenticationTimeout,
        Limits = Limits,
        DebugLog = Debug ? debugLog : null,
    };
}
