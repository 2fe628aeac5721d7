using System.Globalization;
using Akka.Configuration;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Bootstrap;

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
            {{(cluster.Discovery.UsesBootstrap ? Bootstrap(cluster, publicHost) : "")}}
            """;
        return ConfigurationFactory.ParseString(text)
            .WithFallback(WireSerialization.Config)
            .WithFallback(ConfigurationFactory.ParseString(LeanMailbox.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(OptionsLoader.ReadEmbedded("hocon/akka.conf")))
            .WithFallback(WireSerialization.PubSubDefaults);
    }

    /// <summary>The Akka.Discovery method and Akka.Management's endpoint and bootstrap for a node without seeds.</summary>
    private static string Bootstrap(ClusterOptions cluster, string publicHost)
    {
        var d = cluster.Discovery;
        var method = d.Method switch
        {
            DiscoveryMethod.Config => $$"""
                akka.discovery.method = config
                akka.discovery.config.services {
                  {{Quote(d.ServiceName)}}.endpoints = [{{string.Join(", ", d.Endpoints.Select(Quote))}}]
                }
                """,
            DiscoveryMethod.Dns => $$"""
                akka.discovery.method = {{DnsServiceDiscovery.Method}}
                akka.discovery.{{DnsServiceDiscovery.Method}} {
                  class = {{Quote($"{typeof(DnsServiceDiscovery).FullName}, {typeof(DnsServiceDiscovery).Assembly.GetName().Name}")}}
                  port = {{d.ManagementPort}}
                }
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(cluster), d.Method, "not a bootstrap method"),
        };
        return $$"""
            {{method}}
            # The contact point this node advertises and recognizes itself by. Kestrel serves the endpoint
            # (ManagementEndpoint); Akka.Management's own HTTP server is not started.
            akka.management.http {
              hostname = {{Quote(d.ManagementHostname.Length > 0 ? d.ManagementHostname : publicHost)}}
              port = {{d.ManagementPort}}
              # Only the bootstrap's route (/bootstrap/seed-nodes): the endpoint has no authentication.
              routes {
                remote-address = ""
                cluster-client-receptionist = ""
              }
            }
            akka.management.cluster.bootstrap {
              contact-point-discovery {
                service-name = {{Quote(d.ServiceName)}}
                required-contact-point-nr = {{d.RequiredContactPoints}}
                # A new cluster only once every contact point discovery names has answered: a node that cannot reach
                # the others never forms one of its own.
                contact-with-all-contact-points = on
              }
              contact-point {
                fallback-port = {{d.ManagementPort}}
                # Nodes on one host share its address and differ by port (config method): keep every one of them.
                filter-on-fallback-port = off
                # A restarted node learns of the running cluster at its first probe; later probes, a second apart, cost
                # one small request per pair of nodes.
                probe-interval = 1s
              }
            }
            # A node that joins seeds which are all gone by then (pods replaced meanwhile) gives up, exits with 75 and
            # bootstraps anew when its supervisor starts it again, instead of waiting forever.
            akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 30s
            """;
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
