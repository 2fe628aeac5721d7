using System.Collections;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary><c>broadcaster.cluster.discovery</c>: defaults, file, environment, and every refusal naming its setting.</summary>
public sealed class DiscoveryConfigurationTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files) File.Delete(file);
    }

    private static IDictionary Env(params (string Key, string Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private BroadcasterOptions Load(string hocon, IDictionary? env = null, params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-discovery-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return OptionsLoader.Load(CommandLine.Parse(["serve", "--config", path, .. args]), env ?? Env());
    }

    private void AssertRefused(string setting, string hocon, IDictionary? env = null, params string[] args)
    {
        var e = Assert.Throws<SettingsException>(() => Load(hocon, env, args));
        Assert.StartsWith(setting + ":", e.Message);
    }

    [Fact]
    public void By_default_the_node_uses_seeds_and_no_bootstrap()
    {
        var d = OptionsLoader.Load(CommandLine.Parse([]), Env()).Cluster.Discovery;
        Assert.Equal(DiscoveryMethod.Seeds, d.Method);
        Assert.False(d.UsesBootstrap);
        Assert.Equal("broadcaster", d.ServiceName);
        Assert.Empty(d.Endpoints);
        Assert.Equal(0, d.RequiredContactPoints);
        Assert.Equal("", d.ManagementHostname);
        Assert.Equal(8558, d.ManagementPort);
    }

    [Fact]
    public void Seeds_keep_working_as_before()
    {
        var o = Load("", null, "--seed", "10.0.0.1:4000", "--seed", "10.0.0.2:4000");
        Assert.Equal(["10.0.0.1:4000", "10.0.0.2:4000"], o.Cluster.Seeds);
        Assert.Equal(DiscoveryMethod.Seeds, o.Cluster.Discovery.Method);
    }

    [Fact]
    public void Config_method_requires_every_endpoint_by_default()
    {
        var d = Load("""
            broadcaster.cluster.discovery {
              method = config
              endpoints = ["10.0.0.1:8558", "10.0.0.2:8558", "node-c:8559"]
              management-hostname = "10.0.0.1"
            }
            """).Cluster.Discovery;
        Assert.Equal(DiscoveryMethod.Config, d.Method);
        Assert.True(d.UsesBootstrap);
        Assert.Equal(["10.0.0.1:8558", "10.0.0.2:8558", "node-c:8559"], d.Endpoints);
        Assert.Equal(3, d.RequiredContactPoints);
        Assert.Equal("10.0.0.1", d.ManagementHostname);
    }

    [Fact]
    public void Config_method_with_fewer_required_contact_points()
    {
        var d = Load("broadcaster.cluster.discovery { method = CONFIG, endpoints = [\"a:1\", \"b:2\", \"c:3\"], required-contact-points = 2 }").Cluster.Discovery;
        Assert.Equal(DiscoveryMethod.Config, d.Method);
        Assert.Equal(2, d.RequiredContactPoints);
    }

    [Fact]
    public void Environment_overrides_the_file()
    {
        var d = Load("broadcaster.cluster.discovery { method = seeds, service-name = from-file, management-hostname = file, management-port = 1234 }", Env(
            ("BROADCASTER_DISCOVERY_METHOD", "dns"),
            ("BROADCASTER_DISCOVERY_SERVICE_NAME", "broadcaster.default.svc.cluster.local"),
            ("BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS", "3"),
            ("BROADCASTER_MANAGEMENT_HOSTNAME", "10.1.2.3"),
            ("BROADCASTER_MANAGEMENT_PORT", "9558"))).Cluster.Discovery;
        Assert.Equal(DiscoveryMethod.Dns, d.Method);
        Assert.Equal("broadcaster.default.svc.cluster.local", d.ServiceName);
        Assert.Empty(d.Endpoints);
        Assert.Equal(3, d.RequiredContactPoints);
        Assert.Equal("10.1.2.3", d.ManagementHostname);
        Assert.Equal(9558, d.ManagementPort);
    }

    [Fact]
    public void Endpoints_from_the_environment()
    {
        var d = Load("", Env(("BROADCASTER_DISCOVERY_METHOD", "config"),
            ("BROADCASTER_DISCOVERY_ENDPOINTS", "127.0.0.1:8561, 127.0.0.1:8562,127.0.0.1:8563"))).Cluster.Discovery;
        Assert.Equal(["127.0.0.1:8561", "127.0.0.1:8562", "127.0.0.1:8563"], d.Endpoints);
        Assert.Equal(3, d.RequiredContactPoints);
    }

    [Fact]
    public void Invalid_discovery_settings_are_refused_naming_the_setting()
    {
        const string p = "broadcaster.cluster.discovery";
        AssertRefused($"{p}.method", $"{p}.method = kubernetes-api");
        AssertRefused("BROADCASTER_DISCOVERY_METHOD", "", Env(("BROADCASTER_DISCOVERY_METHOD", "consul")));
        AssertRefused($"{p}.colour", $"{p}.colour = blue");
        AssertRefused($"{p}.endpoints", $"{p} {{ method = config }}");
        AssertRefused($"{p}.endpoints", $"{p} {{ method = config, endpoints = \"a:1\" }}");
        AssertRefused($"{p}.endpoints", $"{p} {{ method = config, endpoints = [\"node-a\"] }}");
        AssertRefused($"{p}.endpoints", $"{p} {{ method = config, endpoints = [\"node-a:0\"] }}");
        AssertRefused($"{p}.endpoints", $"{p} {{ method = dns, required-contact-points = 3, endpoints = [\"a:1\"] }}");
        AssertRefused($"{p}.endpoints", $"{p}.endpoints = [\"a:1\"]");
        AssertRefused($"{p}.required-contact-points", $"{p} {{ method = config, endpoints = [\"a:1\", \"b:1\"], required-contact-points = 3 }}");
        AssertRefused($"{p}.required-contact-points", $"{p} {{ method = config, endpoints = [\"a:1\"], required-contact-points = -1 }}");
        AssertRefused($"{p}.required-contact-points", $"{p} {{ method = dns }}");
        AssertRefused($"{p}.required-contact-points", $"{p} {{ method = dns, required-contact-points = many }}");
        AssertRefused("BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS", $"{p}.method = dns", Env(("BROADCASTER_DISCOVERY_REQUIRED_CONTACT_POINTS", "three")));
        AssertRefused($"{p}.service-name", $"{p} {{ method = dns, required-contact-points = 3, service-name = \"\" }}");
        AssertRefused($"{p}.service-name", $"{p} {{ method = dns, required-contact-points = 3, service-name = \"my service\" }}");
        AssertRefused($"{p}.management-port", $"{p}.management-port = 0");
        AssertRefused($"{p}.management-port", $"{p}.management-port = 70000");
        AssertRefused("BROADCASTER_MANAGEMENT_PORT", "", Env(("BROADCASTER_MANAGEMENT_PORT", "0")));
        // The management endpoint needs a port of its own.
        AssertRefused($"{p}.management-port", $"broadcaster {{ server.port = 8558, cluster.discovery {{ method = config, endpoints = [\"a:8558\"] }} }}");
        AssertRefused($"{p}.management-port", $"broadcaster {{ metrics.port = 9100, cluster.discovery {{ method = config, endpoints = [\"a:9100\"], management-port = 9100 }} }}");
    }

    [Fact]
    public void Seeds_beside_a_bootstrap_method_are_refused()
    {
        const string bootstrap = "broadcaster.cluster.discovery { method = config, endpoints = [\"a:8558\"] }";
        AssertRefused("broadcaster.cluster.seeds", bootstrap, null, "--seed", "10.0.0.1:4000");
        AssertRefused("broadcaster.cluster.seeds", bootstrap, Env(("BROADCASTER_SEEDS", "10.0.0.1:4000")));
        AssertRefused("broadcaster.cluster.seeds", "broadcaster.cluster { seeds = [\"a:1\"], discovery { method = dns, required-contact-points = 3 } }");
    }

    [Fact]
    public void The_check_summary_shows_the_discovery()
    {
        var o = Load("broadcaster.cluster.discovery { method = config, endpoints = [\"127.0.0.1:8561\", \"127.0.0.1:8562\"], management-port = 8561 }");
        using var summary = System.Text.Json.JsonDocument.Parse(OptionsSummary.Describe(o));
        var d = summary.RootElement.GetProperty("cluster").GetProperty("discovery");
        Assert.Equal("config", d.GetProperty("method").GetString());
        Assert.Equal(["127.0.0.1:8561", "127.0.0.1:8562"], d.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, d.GetProperty("requiredContactPoints").GetInt32());
        Assert.Equal(8561, d.GetProperty("managementPort").GetInt32());
        Assert.Equal("broadcaster", d.GetProperty("serviceName").GetString());
    }
}
