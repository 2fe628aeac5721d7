using System.Collections;
using Broadcaster.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>The operations settings (metrics, logging, admin, capacity, API rate) and the admin/health commands.</summary>
public sealed class OperationsConfigurationTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files) File.Delete(file);
    }

    private string Write(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-ops-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return path;
    }

    private static IDictionary Env(params (string Key, string Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private BroadcasterOptions Load(string hocon, IDictionary? env = null) =>
        OptionsLoader.Load(CommandLine.Parse(["serve", "--config", Write(hocon)]), env ?? Env());

    private void AssertRefused(string setting, string hocon, IDictionary? env = null)
    {
        var e = Assert.Throws<SettingsException>(() => Load(hocon, env));
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void Defaults_of_the_operations_settings()
    {
        var o = OptionsLoader.Load(CommandLine.Parse([]), Env());
        Assert.True(o.MetricsEnabled);
        Assert.Equal("", o.MetricsHost);
        Assert.Equal(0, o.MetricsPort);
        Assert.Equal(LogLevel.Information, o.LogLevel);
        Assert.Equal(LogLevel.Warning, o.AkkaLogLevel);
        Assert.Equal("", o.AdminSecret);
        Assert.Equal(50_000, o.MaxConnections);
        Assert.Equal(1000, o.ApiRequestsPerSecond);
    }

    [Fact]
    public void File_sets_metrics_logging_admin_capacity_and_api_rate()
    {
        var o = Load("""
            broadcaster {
              server { max-connections = 7 }
              limits { api-requests-per-second = 0 }
              metrics { enabled = false, host = "127.0.0.3", port = 9100 }
              logging { level = debug, akka-level = info }
              admin { secret = "from-file" }
            }
            """);
        Assert.False(o.MetricsEnabled);
        Assert.Equal("127.0.0.3", o.MetricsHost);
        Assert.Equal(9100, o.MetricsPort);
        Assert.Equal(LogLevel.Debug, o.LogLevel);
        Assert.Equal(LogLevel.Information, o.AkkaLogLevel);
        Assert.Equal("from-file", o.AdminSecret);
        Assert.Equal(7, o.MaxConnections);
        Assert.Equal(0, o.ApiRequestsPerSecond);
    }

    [Theory]
    [InlineData("trace", LogLevel.Trace)]
    [InlineData("Debug", LogLevel.Debug)]
    [InlineData("information", LogLevel.Information)]
    [InlineData("info", LogLevel.Information)]
    [InlineData("warning", LogLevel.Warning)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("error", LogLevel.Error)]
    [InlineData("critical", LogLevel.Critical)]
    public void Log_levels_by_name(string name, LogLevel level)
    {
        Assert.Equal(level, Load($"broadcaster.logging {{ level = {name}, akka-level = {name} }}").LogLevel);
        Assert.Equal(level, Load($"broadcaster.logging.akka-level = {name}").AkkaLogLevel);
    }

    [Fact]
    public void Environment_overrides_log_level_and_admin_secret()
    {
        var o = Load("broadcaster { logging.level = debug, admin.secret = from-file }",
            Env(("BROADCASTER_LOG_LEVEL", "error"), ("BROADCASTER_ADMIN_SECRET", "from-env")));
        Assert.Equal(LogLevel.Error, o.LogLevel);
        Assert.Equal("from-env", o.AdminSecret);
        // The Akka level has no environment variable: BROADCASTER_LOG_LEVEL leaves it alone.
        Assert.Equal(LogLevel.Warning, o.AkkaLogLevel);
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_setting()
    {
        AssertRefused("broadcaster.logging.level", "broadcaster.logging.level = loud");
        AssertRefused("broadcaster.logging.level", "", Env(("BROADCASTER_LOG_LEVEL", "verbose")));
        AssertRefused("broadcaster.logging.level", "broadcaster.logging.level = \"\"");
        AssertRefused("broadcaster.logging.akka-level", "broadcaster.logging.akka-level = chatty");
        AssertRefused("broadcaster.logging.colour", "broadcaster.logging.colour = true");
        AssertRefused("broadcaster.metrics.path", "broadcaster.metrics.path = /m");
        AssertRefused("broadcaster.metrics.port", "broadcaster.metrics.port = 70000");
        AssertRefused("broadcaster.admin.key", "broadcaster.admin.key = x");
        AssertRefused("broadcaster.server.max-connections", "broadcaster.server.max-connections = 0");
        AssertRefused("broadcaster.limits.api-requests-per-second", "broadcaster.limits.api-requests-per-second = -1");
        AssertRefused("broadcaster.limits.api-requests-per-second", "broadcaster.limits.api-requests-per-second = lots");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("probe")]
    [InlineData("restart")]
    [InlineData("status")]
    public void Commands_take_config_host_and_port(string command)
    {
        var cli = CommandLine.Parse([command, "--config", "/etc/broadcaster.conf", "--host", "10.0.0.5", "--port", "6101"]);
        Assert.Equal(command, cli.Command);
        Assert.Equal("/etc/broadcaster.conf", cli.ConfigFile);
        Assert.Equal("10.0.0.5", cli.Host);
        Assert.Equal(6101, cli.Port);
        Assert.False(cli.Debug);
        Assert.Null(cli.ClusterPort);
        Assert.Empty(cli.Seeds);
    }

    [Fact]
    public void Cluster_port_and_repeated_seeds()
    {
        var cli = CommandLine.Parse(["serve", "--cluster-port", "4101", "--seed", "10.0.0.1:4101", "--seed", "node-b:4102", "--debug"]);
        Assert.Equal("serve", cli.Command);
        Assert.Equal(4101, cli.ClusterPort);
        Assert.Equal(["10.0.0.1:4101", "node-b:4102"], cli.Seeds);
        Assert.True(cli.Debug);

        var o = OptionsLoader.Load(cli, Env(("BROADCASTER_SEEDS", "ignored:1")));
        Assert.Equal(4101, o.Cluster.Port);
        Assert.Equal(["10.0.0.1:4101", "node-b:4102"], o.Cluster.Seeds);

        // Options without a command run serve.
        Assert.Equal("serve", CommandLine.Parse(["--port", "6001"]).Command);
        Assert.Equal("status", CommandLine.Parse(["status"]).Command);
    }

    [Theory]
    [InlineData("status", "--bogus")]
    [InlineData("restart", "--seeds")]
    [InlineData("probe", "-p")]
    [InlineData("check", "port")]
    public void Unknown_options_are_rejected(string command, string option)
    {
        var e = Assert.Throws<SettingsException>(() => CommandLine.Parse([command, option]));
        Assert.Contains($"'{option}'", e.Message);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--host")]
    [InlineData("--seed")]
    [InlineData("--cluster-port")]
    [InlineData("--config")]
    public void Options_without_their_value_are_rejected(string option)
    {
        var e = Assert.Throws<SettingsException>(() => CommandLine.Parse(["status", option]));
        Assert.Contains(option, e.Message);
    }

    [Theory]
    [InlineData("--port", "http")]
    [InlineData("--port", "65536")]
    [InlineData("--cluster-port", "-1")]
    public void Ports_must_be_numbers(string option, string value)
    {
        var e = Assert.Throws<SettingsException>(() => CommandLine.Parse(["serve", option, value]));
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void Malformed_seed_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<SettingsException>(() => OptionsLoader.Load(CommandLine.Parse(["serve", "--seed", "no-port"]), Env()));
        Assert.Contains("broadcaster.cluster.seeds", e.Message);
    }
}
