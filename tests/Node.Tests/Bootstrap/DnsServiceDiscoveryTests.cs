using Akka.Actor;
using Akka.Configuration;
using Broadcaster.Node.Bootstrap;
using AkkaDiscovery = Akka.Discovery.Discovery;

namespace Broadcaster.Node.Tests.Bootstrap;

/// <summary>The DNS discovery, loaded as Akka.Discovery loads it, against names that resolve on this machine only.</summary>
public sealed class DnsServiceDiscoveryTests : IAsyncLifetime
{
    private ActorSystem? _system;

    private Akka.Discovery.ServiceDiscovery Discovery => AkkaDiscovery.Get(_system!).Default;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("dns-discovery", ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.discovery.method = {{DnsServiceDiscovery.Method}}
            akka.discovery.{{DnsServiceDiscovery.Method}} {
              class = "{{typeof(DnsServiceDiscovery).FullName}}, {{typeof(DnsServiceDiscovery).Assembly.GetName().Name}}"
              port = 8599
            }
            """));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_system is not null) await _system.Terminate();
    }

    [Fact]
    public void Akka_discovery_loads_it_by_its_method_name()
    {
        Assert.IsType<DnsServiceDiscovery>(Discovery);
    }

    [Fact]
    public async Task A_name_resolves_to_contact_points_at_the_configured_port()
    {
        var resolved = await Discovery.Lookup("localhost", TimeSpan.FromSeconds(3));
        Assert.Equal("localhost", resolved.ServiceName);
        // IPv4 only, although the name may also have ::1: one contact point per node.
        var target = Assert.Single(resolved.Addresses);
        Assert.Equal("127.0.0.1", target.Host);
        Assert.Equal(8599, target.Port);
        Assert.Equal(System.Net.IPAddress.Loopback, target.Address);
    }

    [Fact]
    public async Task Without_an_IPv4_address_the_IPv6_ones_are_the_contact_points()
    {
        var target = Assert.Single((await Discovery.Lookup("::1", TimeSpan.FromSeconds(3))).Addresses);
        Assert.Equal("::1", target.Host);
        Assert.Equal(System.Net.IPAddress.IPv6Loopback, target.Address);
        Assert.Equal(8599, target.Port);
    }

    [Fact]
    public async Task A_name_nobody_registered_yet_has_no_contact_points()
    {
        // .invalid never resolves (RFC 2606): like a compose alias before its first container is up.
        var resolved = await Discovery.Lookup("broadcaster-test.invalid", TimeSpan.FromSeconds(5));
        Assert.Equal("broadcaster-test.invalid", resolved.ServiceName);
        Assert.Empty(resolved.Addresses);
    }
}
