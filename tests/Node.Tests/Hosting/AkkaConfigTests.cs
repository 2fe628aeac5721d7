using Akka.Configuration;
using Akka.Event;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Broadcaster.Node.Bootstrap;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Hosting;

/// <summary>What the options turn into for Akka: seeds as before, or discovery and the bootstrap as the library reads them.</summary>
public sealed class AkkaConfigTests
{
    private static ClusterOptions Cluster(DiscoveryOptions discovery, params string[] seeds) => new()
    {
        Hostname = "0.0.0.0",
        PublicHostname = "node1",
        Port = 4000,
        Seeds = seeds,
        Discovery = discovery,
    };

    /// <summary>The bootstrap's settings as Akka.Management parses them from the node's configuration.</summary>
    private static ClusterBootstrapSettings BootstrapSettings(Config config) =>
        ClusterBootstrapSettings.Create(config.WithFallback(AkkaManagementProvider.DefaultConfiguration()), NoLogger.Instance);

    [Fact]
    public void Seeds_become_seed_nodes_and_nothing_of_the_bootstrap()
    {
        var config = AkkaConfig.Build(Cluster(new DiscoveryOptions(), "node1:4000", "node2:4000"));
        Assert.Equal(["akka.tcp://broadcaster@node1:4000", "akka.tcp://broadcaster@node2:4000"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.False(config.HasPath("akka.discovery.method"));
        Assert.False(config.HasPath("akka.management.http.port"));
        Assert.Equal("node1", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
    }

    [Fact]
    public void Config_method_lists_the_endpoints_and_requires_every_contact_point()
    {
        var config = AkkaConfig.Build(Cluster(new DiscoveryOptions
        {
            Method = DiscoveryMethod.Config,
            Endpoints = ["127.0.0.1:8561", "127.0.0.1:8562", "127.0.0.1:8563"],
            RequiredContactPoints = 3,
            ManagementPort = 8561,
        }));
        Assert.Empty(config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("config", config.GetString("akka.discovery.method"));
        Assert.Equal(["127.0.0.1:8561", "127.0.0.1:8562", "127.0.0.1:8563"], config.GetStringList("akka.discovery.config.services.broadcaster.endpoints"));
        // Advertised as the public hostname, on its own port.
        Assert.Equal("node1", config.GetString("akka.management.http.hostname"));
        Assert.Equal(8561, config.GetInt("akka.management.http.port"));
        Assert.Equal("", config.GetString("akka.management.http.routes.remote-address"));
        Assert.Equal("", config.GetString("akka.management.http.routes.cluster-client-receptionist"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.GetTimeSpan("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes"));

        var settings = BootstrapSettings(config);
        Assert.Equal("broadcaster", settings.ContactPointDiscovery.ServiceName);
        Assert.Equal(3, settings.ContactPointDiscovery.RequiredContactPointsNr);
        Assert.True(settings.ContactPointDiscovery.ContactWithAllContactPoints);
        Assert.True(settings.NewClusterEnabled);
        // Three endpoints on one host differ by port only: none may be filtered away.
        Assert.False(settings.ContactPoint.FilterOnFallbackPort);
        Assert.Equal(8561, settings.ContactPoint.FallbackPort);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ContactPoint.ProbeInterval);
    }

    [Fact]
    public void Dns_method_uses_the_nodes_own_discovery_at_the_management_port()
    {
        var config = AkkaConfig.Build(Cluster(new DiscoveryOptions
        {
            Method = DiscoveryMethod.Dns,
            ServiceName = "broadcaster-discovery.default.svc.cluster.local",
            RequiredContactPoints = 3,
            ManagementHostname = "10.0.0.7",
        }));
        Assert.Equal(DnsServiceDiscovery.Method, config.GetString("akka.discovery.method"));
        Assert.Equal(typeof(DnsServiceDiscovery), Type.GetType(config.GetString($"akka.discovery.{DnsServiceDiscovery.Method}.class")));
        Assert.Equal(8558, config.GetInt($"akka.discovery.{DnsServiceDiscovery.Method}.port"));
        Assert.Equal("10.0.0.7", config.GetString("akka.management.http.hostname"));
        var settings = BootstrapSettings(config);
        Assert.Equal("broadcaster-discovery.default.svc.cluster.local", settings.ContactPointDiscovery.ServiceName);
        Assert.Equal(3, settings.ContactPointDiscovery.RequiredContactPointsNr);
        Assert.True(settings.ContactPointDiscovery.ContactWithAllContactPoints);
    }
}
