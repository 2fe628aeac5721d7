using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Discovery;

namespace Broadcaster.Node.Bootstrap;

/// <summary>
/// Akka.Discovery by plain DNS: a service name resolves to one address per node (a docker compose alias shared by the
/// node services, a Kubernetes headless Service), and each address is a contact point at the management port. Akka.NET
/// names a DNS method in its defaults but ships no class for it. IPv4 addresses when the name has any, else IPv6: a
/// node reachable on both would otherwise count as two contact points, one of which never answers.
/// </summary>
public sealed class DnsServiceDiscovery : ServiceDiscovery
{
    /// <summary>The method's name under <c>akka.discovery</c>; its section holds the <c>port</c>.</summary>
    public const string Method = "broadcaster-dns";

    private readonly int _port;

    public DnsServiceDiscovery(ExtendedActorSystem system)
    {
        _port = system.Settings.Config.GetInt($"akka.discovery.{Method}.port");
    }

    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        using var timeout = new CancellationTokenSource(resolveTimeout);
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(lookup.ServiceName, timeout.Token);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            // No node registered under the name yet (the first container of a compose project): nobody to probe.
            return new Resolved(lookup.ServiceName, []);
        }
        var v4 = addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToList();
        var chosen = v4.Count > 0 ? v4 : addresses.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).ToList();
        var targets = chosen.Distinct().OrderBy(a => a.ToString(), StringComparer.Ordinal)
            .Select(a => new ResolvedTarget(a.ToString(), _port, a));
        return new Resolved(lookup.ServiceName, targets);
    }
}
