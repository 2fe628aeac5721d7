using System.Collections;
using System.Reflection;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Configuration;

/// <summary>
/// Resolves <see cref="BroadcasterOptions"/>: embedded <c>hocon/broadcaster.conf</c>, then the user's file,
/// then environment variables, then command-line flags. Unknown keys are errors, so a typo never passes silently.
/// </summary>
public static class OptionsLoader
{
    private static readonly string[] ServerKeys =
        ["host", "port", "path-prefix", "activity-timeout", "pong-timeout", "max-message-size", "max-request-size",
         "outgoing-queue-size", "user-authentication-timeout", "max-connections", "keep-alive-interval",
         "request-headers-timeout"];
    private static readonly string[] LimitKeys =
        ["max-channel-name-length", "max-event-name-length", "max-event-data-size", "max-channels-per-trigger",
         "max-batch-size", "timestamp-window", "client-events-per-second", "max-presence-members",
         "max-presence-user-info-size", "max-presence-user-id-length", "api-requests-per-second"];
    private static readonly string[] AppKeys =
        ["id", "key", "secret", "name", "enabled", "max-connections", "enable-client-messages",
         "enable-user-authentication", "allowed-origins", "enable-subscription-count", "enable-watchlist-events", "webhooks"];
    private static readonly string[] TopKeys = ["server", "limits", "apps", "cluster", "tls", "metrics", "logging", "admin", "webhooks", "cache",
        "dashboard", "statistics"];
    private static readonly string[] WebhookKeys = ["batch-window", "batch-size", "delay-vacated", "retry-for", "retry-delay", "timeout", "queue-size"];
    private static readonly string[] MetricsKeys = ["enabled", "host", "port"];
    private static readonly string[] LoggingKeys = ["level", "akka-level"];
    private static readonly string[] TlsKeys = ["certificate", "key", "passphrase", "ca-bundle", "verify-peer", "allow-self-signed", "reload-interval"];
    private static readonly string[] ClusterKeys = ["hostname", "public-hostname", "port", "seeds", "discovery", "failure-timeout", "down-after", "query-timeout"];

    public static Config Defaults() => ConfigurationFactory.ParseString(ReadEmbedded("hocon/broadcaster.conf"));

    public static string ReadEmbedded(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"Embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static BroadcasterOptions Load(CommandLine cli, IDictionary environment)
    {
        var config = Defaults();
        if (cli.ConfigFile is { } file)
        {
            if (!File.Exists(file)) throw new SettingsException($"--config: file '{file}' does not exist");
            try
            {
                config = ConfigurationFactory.ParseString(File.ReadAllText(file)).WithFallback(config);
            }
            catch (Exception e) when (e is not SettingsException)
            {
                throw new SettingsException($"--config: '{file}' is not valid HOCON: {e.Message}");
            }
        }
        return FromConfig(config, cli, environment);
    }

    public static BroadcasterOptions FromConfig(Config config, CommandLine cli, IDictionary environment)
    {
        CheckKeys(config, "broadcaster", TopKeys);
        CheckKeys(config, "broadcaster.server", ServerKeys);
        CheckKeys(config, "broadcaster.limits", LimitKeys);
        CheckKeys(config, "broadcaster.cluster", ClusterKeys);
        CheckKeys(config, "broadcaster.tls", TlsKeys);
        CheckKeys(config, "broadcaster.metrics", MetricsKeys);
        CheckKeys(config, "broadcaster.logging", LoggingKeys);
        CheckKeys(config, "broadcaster.admin", ["secret"]);
        CheckKeys(config, "broadcaster.webhooks", WebhookKeys);
        CheckKeys(config, "broadcaster.cache", ["ttl"]);
        CheckKeys(config, "broadcaster.dashboard", ["enabled", "password"]);
        CheckKeys(config, "broadcaster.statistics", ["enabled", "interval", "database", "retention"]);
        string? Env(string name) => environment[name] as string is { Length: > 0 } v ? v : null;

        var host = cli.Host ?? Env("BROADCASTER_HOST") ?? config.GetString("broadcaster.server.host");
        var port = cli.Port ?? EnvPort(Env("BROADCASTER_PORT"), "BROADCASTER_PORT") ?? Int(config, "broadcaster.server.port", 0, 65535);
        var prefix = NormalizePrefix(Env("BROADCASTER_PATH_PREFIX") ?? config.GetString("broadcaster.server.path-prefix") ?? "");
        var debug = cli.Debug || Env("BROADCASTER_DEBUG") is "1" or "true";
        var limits = new ProtocolLimits
        {
            MaxChannelNameLength = Int(config, "broadcaster.limits.max-channel-name-length", 1),
            MaxEventNameLength = Int(config, "broadcaster.limits.max-event-name-length", 1),
            MaxEventDataBytes = Int(config, "broadcaster.limits.max-event-data-size", 1),
            MaxChannelsPerTrigger = Int(config, "broadcaster.limits.max-channels-per-trigger", 1),
            MaxBatchSize = Int(config, "broadcaster.limits.max-batch-size", 1),
            TimestampWindowSeconds = Int(config, "broadcaster.limits.timestamp-window", 0),
            ClientEventsPerSecond = Int(config, "broadcaster.limits.client-events-per-second", 0),
            MaxPresenceMembers = Int(config, "broadcaster.limits.max-presence-members", 1),
            MaxUserInfoBytes = Int(config, "broadcaster.limits.max-presence-user-info-size", 2),
            MaxUserIdLength = Int(config, "broadcaster.limits.max-presence-user-id-length", 1),
            MaxMessageBytes = Int(config, "broadcaster.server.max-message-size", 256),
            MaxRequestBodyBytes = Int(config, "broadcaster.server.max-request-size", 1024),
        };
        var (apps, usesDefault) = AppsLoader.Load(config, Env);
        var cluster = LoadCluster(config, cli, Env);
        var metricsPort = Int(config, "broadcaster.metrics.port", 0, 65535);
        if (cluster.Discovery.UsesBootstrap && (cluster.Discovery.ManagementPort == port || cluster.Discovery.ManagementPort == metricsPort))
            throw new SettingsException($"broadcaster.cluster.discovery.management-port: {cluster.Discovery.ManagementPort} is already the server's or the metrics port");
        return new BroadcasterOptions
        {
            Host = host,
            Port = port,
            PathPrefix = prefix,
            ActivityTimeout = Duration(config, "broadcaster.server.activity-timeout", TimeSpan.FromSeconds(1)),
            PongTimeout = Duration(config, "broadcaster.server.pong-timeout", TimeSpan.FromMilliseconds(100)),
            KeepAliveInterval = Duration(config, "broadcaster.server.keep-alive-interval", TimeSpan.FromSeconds(1)),
            UserAuthenticationTimeout = Duration(config, "broadcaster.server.user-authentication-timeout", TimeSpan.FromMilliseconds(100)),
            OutgoingQueueSize = Int(config, "broadcaster.server.outgoing-queue-size", 1),
            RequestHeadersTimeout = Duration(config, "broadcaster.server.request-headers-timeout", TimeSpan.FromSeconds(1)),
            Limits = limits,
            Apps = apps,
            UsesDefaultApp = usesDefault,
            Debug = debug,
            Cluster = cluster,
            Tls = LoadTls(config, Env),
            MaxConnections = Int(config, "broadcaster.server.max-connections", 1),
            ApiRequestsPerSecond = Int(config, "broadcaster.limits.api-requests-per-second", 0),
            MetricsEnabled = config.GetBoolean("broadcaster.metrics.enabled"),
            MetricsHost = config.GetString("broadcaster.metrics.host") ?? "",
            MetricsPort = metricsPort,
            LogLevel = Level(Env("BROADCASTER_LOG_LEVEL") ?? config.GetString("broadcaster.logging.level"), "broadcaster.logging.level"),
            AkkaLogLevel = Level(config.GetString("broadcaster.logging.akka-level"), "broadcaster.logging.akka-level"),
            AdminSecret = Env("BROADCASTER_ADMIN_SECRET") ?? config.GetString("broadcaster.admin.secret") ?? "",
            Webhooks = new WebhookOptions
            {
                BatchWindow = Duration(config, "broadcaster.webhooks.batch-window", TimeSpan.FromMilliseconds(1)),
                BatchSize = Int(config, "broadcaster.webhooks.batch-size", 1, 1000),
                DelayVacated = Duration(config, "broadcaster.webhooks.delay-vacated", TimeSpan.Zero),
                RetryFor = Duration(config, "broadcaster.webhooks.retry-for", TimeSpan.FromMilliseconds(10)),
                RetryDelay = Duration(config, "broadcaster.webhooks.retry-delay", TimeSpan.FromMilliseconds(10)),
                Timeout = Duration(config, "broadcaster.webhooks.timeout", TimeSpan.FromMilliseconds(100)),
                QueueSize = Int(config, "broadcaster.webhooks.queue-size", 1),
            },
            CacheTtl = Duration(config, "broadcaster.cache.ttl", TimeSpan.FromSeconds(1)),
            Dashboard = LoadDashboard(config, Env),
            Statistics = LoadStatistics(config, Env),
        };
    }

    private static DashboardOptions LoadDashboard(Config config, Func<string, string?> env)
    {
        var dashboard = new DashboardOptions
        {
            Enabled = env("BROADCASTER_DASHBOARD_ENABLED") is { } on ? on is "1" or "true" : config.GetBoolean("broadcaster.dashboard.enabled"),
            Password = env("BROADCASTER_DASHBOARD_PASSWORD") ?? config.GetString("broadcaster.dashboard.password") ?? "",
        };
        if (dashboard.Enabled && dashboard.Password.Length == 0)
            throw new SettingsException("broadcaster.dashboard.password: the dashboard is enabled but has no password (set it, or BROADCASTER_DASHBOARD_PASSWORD)");
        return dashboard;
    }

    private static StatisticsOptions LoadStatistics(Config config, Func<string, string?> env)
    {
        var database = env("BROADCASTER_STATISTICS_DATABASE") ?? config.GetString("broadcaster.statistics.database") ?? "";
        if (database.Trim().Length == 0) throw new SettingsException("broadcaster.statistics.database: a file path is required");
        return new StatisticsOptions
        {
            Enabled = config.GetBoolean("broadcaster.statistics.enabled"),
            Interval = Duration(config, "broadcaster.statistics.interval", TimeSpan.FromSeconds(1)),
            Database = database,
            Retention = Duration(config, "broadcaster.statistics.retention", TimeSpan.FromHours(1)),
        };
    }

    private static LogLevel Level(string? value, string path) =>
        value is { Length: > 0 } && char.IsLetter(value[0]) && Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && level != LogLevel.None
            ? level
            : value?.ToLowerInvariant() switch
            {
                "info" => LogLevel.Information,
                "warn" => LogLevel.Warning,
                _ => throw new SettingsException($"{path}: '{value}' is not a log level (trace, debug, information, warning, error, critical)"),
            };

    private static TlsOptions LoadTls(Config config, Func<string, string?> env)
    {
        bool Flag(string name, string path) =>
            env(name) is { } v ? v is "1" or "true" or "TRUE" or "True" : config.GetBoolean(path);
        return new TlsOptions
        {
            Certificate = env("LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT") ?? config.GetString("broadcaster.tls.certificate") ?? "",
            Key = env("LARAVEL_WEBSOCKETS_SSL_LOCAL_PK") ?? config.GetString("broadcaster.tls.key") ?? "",
            Passphrase = env("LARAVEL_WEBSOCKETS_SSL_PASSPHRASE") ?? config.GetString("broadcaster.tls.passphrase") ?? "",
            CaBundle = env("LARAVEL_WEBSOCKETS_SSL_CA") ?? config.GetString("broadcaster.tls.ca-bundle") ?? "",
            VerifyPeer = Flag("LARAVEL_WEBSOCKETS_SSL_VERIFY_PEER", "broadcaster.tls.verify-peer"),
            AllowSelfSigned = Flag("LARAVEL_WEBSOCKETS_SSL_ALLOW_SELF_SIGNED", "broadcaster.tls.allow-self-signed"),
            ReloadInterval = Duration(config, "broadcaster.tls.reload-interval", TimeSpan.FromMilliseconds(100)),
        };
    }

    private static ClusterOptions LoadCluster(Config config, CommandLine cli, Func<string, string?> env)
    {
        IEnumerable<string> seeds = cli.Seeds.Count > 0 ? cli.Seeds
            : env("BROADCASTER_SEEDS") is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : SeedList(config);
        var seedList = seeds.ToList();
        foreach (var seed in seedList)
        {
            if (!DiscoveryLoader.IsHostPort(seed)) throw new SettingsException($"broadcaster.cluster.seeds: '{seed}' is not host:port");
        }
        var hostname = env("BROADCASTER_CLUSTER_HOSTNAME") ?? config.GetString("broadcaster.cluster.hostname");
        return new ClusterOptions
        {
            Hostname = hostname,
            PublicHostname = env("BROADCASTER_PUBLIC_HOSTNAME") ?? config.GetString("broadcaster.cluster.public-hostname") ?? "",
            Port = cli.ClusterPort ?? EnvPort(env("BROADCASTER_CLUSTER_PORT"), "BROADCASTER_CLUSTER_PORT") ?? Int(config, "broadcaster.cluster.port", 0, 65535),
            Seeds = seedList,
            Discovery = DiscoveryLoader.Load(config, env, seedList),
            FailureTimeout = Duration(config, "broadcaster.cluster.failure-timeout", TimeSpan.FromMilliseconds(500)),
            DownAfter = Duration(config, "broadcaster.cluster.down-after", TimeSpan.FromMilliseconds(500)),
            QueryTimeout = Duration(config, "broadcaster.cluster.query-timeout", TimeSpan.FromMilliseconds(100)),
        };
    }

    /// <summary>A plain string would read as an empty list, silently making the node a cluster of its own.</summary>
    private static IList<string> SeedList(Config config)
    {
        var value = config.GetValue("broadcaster.cluster.seeds");
        if (value is null) return [];
        if (value.IsString() || value.IsObject())
            throw new SettingsException("broadcaster.cluster.seeds: expected a list such as [\"10.0.0.1:4000\", \"10.0.0.2:4000\"]");
        return config.GetStringList("broadcaster.cluster.seeds") ?? [];
    }

    private static int? EnvPort(string? value, string name) =>
        value is null ? null
        : int.TryParse(value, out var port) && port is >= 0 and <= 65535 ? port
        : throw new SettingsException($"{name}: '{value}' is not a port number");

    private static string NormalizePrefix(string prefix)
    {
        prefix = prefix.Trim().TrimEnd('/');
        if (prefix.Length > 0 && !prefix.StartsWith('/')) prefix = "/" + prefix;
        if (prefix.Any(c => char.IsWhiteSpace(c) || c is '?' or '#'))
            throw new SettingsException($"broadcaster.server.path-prefix: '{prefix}' is not a URL path");
        return prefix;
    }

    internal static void CheckKeys(Config config, string path, string[] known)
    {
        if (!config.HasPath(path)) return;
        var value = config.GetValue(path);
        if (!value.IsObject()) throw new SettingsException($"{path}: expected an object");
        CheckKeys(value.GetObject(), path, known);
    }

    internal static void CheckKeys(HoconObject obj, string path, string[] known)
    {
        foreach (var key in obj.Items.Keys)
        {
            if (!known.Contains(key))
                throw new SettingsException($"{path}.{key}: unknown setting (known: {string.Join(", ", known)})");
        }
    }

    internal static string[] KnownAppKeys => AppKeys;

    private static int Int(Config config, string path, int min, int max = int.MaxValue)
    {
        int value;
        try
        {
            value = config.GetInt(path);
        }
        catch (Exception)
        {
            throw new SettingsException($"{path}: '{config.GetString(path)}' is not a whole number");
        }
        if (value < min || value > max) throw new SettingsException($"{path}: {value} is out of range ({min}..{max})");
        return value;
    }

    private static TimeSpan Duration(Config config, string path, TimeSpan min)
    {
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(path, null, allowInfinite: false);
        }
        catch (Exception)
        {
            throw new SettingsException($"{path}: '{config.GetString(path)}' is not a duration such as 30s");
        }
        if (value < min) throw new SettingsException($"{path}: must be at least {min.TotalSeconds}s");
        return value;
    }
}
