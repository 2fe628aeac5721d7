using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Bootstrap;

/// <summary>
/// How the node's actor system becomes part of a cluster: the static seeds (Akka joins them by itself), a cluster of
/// one, or Akka.Management's bootstrap. Tells the log which, and when the node is Up.
/// </summary>
public static class ClusterFormation
{
    /// <summary>
    /// The options the node runs with: for the dns method, the management hostname it advertises becomes the address
    /// its public hostname resolves to, because the contact points DNS yields are addresses and the bootstrap
    /// recognizes its own among them by comparing them with this hostname.
    /// </summary>
    public static ClusterOptions Resolve(ClusterOptions cluster)
    {
        var d = cluster.Discovery;
        if (d.Method != DiscoveryMethod.Dns || d.ManagementHostname.Length > 0) return cluster;
        var host = cluster.PublicHostname.Length > 0 ? cluster.PublicHostname : cluster.Hostname;
        if (IPAddress.TryParse(host, out _)) return cluster with { Discovery = d with { ManagementHostname = host } };
        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException e)
        {
            throw new SettingsException($"broadcaster.cluster.public-hostname: cannot resolve '{host}' for discovery method dns ({e.Message}); " +
                                        "set broadcaster.cluster.discovery.management-hostname to this node's address");
        }
        // The same preference as the discovery itself, so the address matches one it yields.
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                      ?? addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
                      ?? throw new SettingsException($"broadcaster.cluster.public-hostname: '{host}' has no address");
        return cluster with { Discovery = d with { ManagementHostname = address.ToString() } };
    }

    /// <summary>Joins the seeds or itself, or starts the bootstrap, which probes until the node has joined.</summary>
    public static async Task StartAsync(ActorSystem system, ClusterOptions cluster, ILogger log)
    {
        var akkaCluster = Akka.Cluster.Cluster.Get(system);
        var d = cluster.Discovery;
        akkaCluster.RegisterOnMemberUp(() => log.LogInformation(
            "This node is Up in the cluster as {Address} with {Members} member(s), found through discovery method {Method}",
            akkaCluster.SelfAddress, akkaCluster.State.Members.Count, DiscoveryLoader.Name(d.Method)));
        if (!d.UsesBootstrap)
        {
            if (cluster.Seeds.Count > 0)
            {
                log.LogInformation("Cluster: joining through the seeds {Seeds} (discovery method seeds)", string.Join(", ", cluster.Seeds));
                return;
            }
            // Without seeds the node forms a cluster of one, so a single node needs no cluster settings at all.
            log.LogInformation("Cluster: no seeds and no discovery, this node forms a cluster of one");
            akkaCluster.Join(akkaCluster.SelfAddress);
            return;
        }
        // Preparing the management routes hands the bootstrap this node's own contact point (akka.management.http),
        // which it waits for; the node's Kestrel serves the route itself (ManagementEndpoint).
        var management = AkkaManagement.Get(system);
        management.Routes();
        log.LogInformation(
            "Cluster: bootstrap by discovery method {Method} ({Source}); management endpoint {Host}:{Port}. A new cluster forms only when " +
            "all contact points found, at least {Required}, answer and none knows a cluster; otherwise this node joins the one they know",
            DiscoveryLoader.Name(d.Method), d.Method == DiscoveryMethod.Config ? string.Join(", ", d.Endpoints) : $"DNS name {d.ServiceName}",
            management.Settings.Http.Hostname, d.ManagementPort, d.RequiredContactPoints);
        await ClusterBootstrap.Get(system).Start();
    }
}
