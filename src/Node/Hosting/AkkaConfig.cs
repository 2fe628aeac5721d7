using System.Globalization;
using Akka.Configuration;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Hosting;

/// <summary>Turns the node's options into Akka's HOCON, in this one place, over <c>hocon/akka.conf</c>.</summary>
public static class AkkaConfig
{
    public const string SystemName = "broadcaster";

    public static Config Build(ClusterOptions cluster, LogLevel logLevel = LogLevel.Warning)
    {
        var seeds = string.Join(", ", cluster.Seeds.Select(s => Quote($"akka.tcp://{SystemName}@{s}")));
        var publicHost = cluster.PublicHostname.Length > 0 ? cluster.PublicHostname : cluster.Hostname;
        var text = $$"""
            akka.loglevel = {{AkkaLevel(logLevel)}}
            akka.stdout-loglevel = {{AkkaLevel(logLevel)}}
            akka.loggers = [{{Quote($"{typeof(AkkaLogBridge).FullName}, {typeof(AkkaLogBridge).Assembly.GetName().Name}")}}]
            akka.remote.dot-netty.tcp {
              hostname = {{Quote(cluster.Hostname)}}
              public-hostname = {{Quote(publicHost)}}
              port = {{cluster.Port}}
            }
            akka.cluster {
              seed-nodes = [{{seeds}}]
              failure-detector.acceptable-heartbeat-pause = {{Seconds(cluster.FailureTimeout)}}
              split-brain-resolver.stable-after = {{Seconds(cluster.DownAfter)}}
            }
            """;
        return ConfigurationFactory.ParseString(text)
            .WithFallback(WireSerialization.Config)
            .WithFallback(ConfigurationFactory.ParseString(LeanMailbox.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(OptionsLoader.ReadEmbedded("hocon/akka.conf")))
            .WithFallback(WireSerialization.PubSubDefaults);
    }

    private static string AkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        _ => "ERROR",
    };

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
