using System.Collections;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>Options resolution: built-in defaults, then the HOCON file, then environment variables, then flags.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly List<string> _files = [];

    private string WriteConfig(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-test-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return path;
    }

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    private static Dictionary<string, string> Env(params (string Key, string Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    private static BroadcasterOptions Load(string[] args, IDictionary? env = null) =>
        OptionsLoader.Load(CommandLine.Parse(args), env ?? new Dictionary<string, string>());

    private static void AssertSettingError(string setting, Action load)
    {
        var e = Assert.Throws<SettingsException>(load);
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void Defaults_listen_on_6001_with_the_built_in_app()
    {
        var o = Load([]);
        Assert.Equal("0.0.0.0", o.Host);
        Assert.Equal(6001, o.Port);
        Assert.Equal("", o.PathPrefix);
        Assert.Equal(TimeSpan.FromSeconds(120), o.ActivityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PongTimeout);
        Assert.Equal(TimeSpan.FromSeconds(25), o.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), o.RequestHeadersTimeout);
        Assert.Equal(1000, o.OutgoingQueueSize);
        Assert.Equal(Broadcaster.Protocol.Apps.ProtocolLimits.Default, o.Limits);
        var app = Assert.Single(o.Apps);
        Assert.Equal(("app-id", "app-key", "app-secret"), (app.Id, app.Key, app.Secret));
        Assert.True(o.UsesDefaultApp);
    }

    [Fact]
    public void Default_app_comes_from_the_pusher_environment_variables()
    {
        var o = Load([], Env(("PUSHER_APP_ID", "42"), ("PUSHER_APP_KEY", "laravel-key"), ("PUSHER_APP_SECRET", "laravel-secret")));
        var app = Assert.Single(o.Apps);
        Assert.Equal(("42", "laravel-key", "laravel-secret"), (app.Id, app.Key, app.Secret));
        Assert.True(app.Enabled);
    }

    [Fact]
    public void Hocon_file_is_merged_over_the_defaults()
    {
        var file = WriteConfig("""
            broadcaster {
              server { port = 7000, host = "127.0.0.2", path-prefix = "ws/", activity-timeout = 60s, outgoing-queue-size = 50, keep-alive-interval = 50s,
                       request-headers-timeout = 10s }
              limits { max-presence-members = 5, client-events-per-second = 20 }
              apps = [
                { id = "a1", key = "k1", secret = "s1", enable-client-messages = true, max-connections = 3, allowed-origins = ["https://x.example"] }
                { id = "a2", key = "k2", secret = "s2", enabled = false }
              ]
            }
            """);
        var o = Load(["serve", "--config", file]);
        Assert.Equal(7000, o.Port);
        Assert.Equal("127.0.0.2", o.Host);
        Assert.Equal("/ws", o.PathPrefix);
        Assert.Equal(TimeSpan.FromSeconds(60), o.ActivityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PongTimeout);
        Assert.Equal(50, o.OutgoingQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(50), o.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), o.RequestHeadersTimeout);
        Assert.Equal(5, o.Limits.MaxPresenceMembers);
        Assert.Equal(20, o.Limits.ClientEventsPerSecond);
        Assert.Equal(200, o.Limits.MaxChannelNameLength);
        Assert.False(o.UsesDefaultApp);
        Assert.Equal(2, o.Apps.Count);
        var a1 = o.Apps[0];
        Assert.Equal(("a1", "k1", "s1"), (a1.Id, a1.Key, a1.Secret));
        Assert.True(a1.EnableClientMessages);
        Assert.Equal(3, a1.MaxConnections);
        Assert.Equal(["https://x.example"], a1.AllowedOrigins!);
        Assert.False(o.Apps[1].Enabled);
        Assert.False(o.Apps[1].EnableClientMessages);
    }

    [Fact]
    public void Environment_overrides_the_file_and_flags_override_the_environment()
    {
        var file = WriteConfig("broadcaster.server { port = 7000, host = \"127.0.0.2\" }");
        var env = Env(("BROADCASTER_PORT", "7100"), ("BROADCASTER_HOST", "127.0.0.3"));
        var fromEnv = Load(["--config", file], env);
        Assert.Equal(7100, fromEnv.Port);
        Assert.Equal("127.0.0.3", fromEnv.Host);
        var fromFlags = Load(["serve", "--config", file, "--port", "7200", "--host", "127.0.0.4"], env);
        Assert.Equal(7200, fromFlags.Port);
        Assert.Equal("127.0.0.4", fromFlags.Host);
    }

    [Fact]
    public void Duplicate_app_key_names_the_setting()
    {
        var file = WriteConfig("""broadcaster.apps = [{ id = "a", key = "k", secret = "s" }, { id = "b", key = "k", secret = "t" }]""");
        AssertSettingError("broadcaster.apps[1].key", () => Load(["--config", file]));
    }

    [Fact]
    public void Duplicate_app_id_names_the_setting()
    {
        var file = WriteConfig("""broadcaster.apps = [{ id = "a", key = "k1", secret = "s" }, { id = "a", key = "k2", secret = "t" }]""");
        AssertSettingError("broadcaster.apps[1].id", () => Load(["--config", file]));
    }

    [Fact]
    public void Empty_secret_names_the_setting()
    {
        var file = WriteConfig("""broadcaster.apps = [{ id = "a", key = "k", secret = "" }]""");
        AssertSettingError("broadcaster.apps[0].secret", () => Load(["--config", file]));
    }

    [Fact]
    public void Missing_secret_names_the_setting()
    {
        var file = WriteConfig("""broadcaster.apps = [{ id = "a", key = "k" }]""");
        AssertSettingError("broadcaster.apps[0].secret", () => Load(["--config", file]));
    }

    [Fact]
    public void Unknown_server_option_names_the_setting()
    {
        var file = WriteConfig("broadcaster.server { prot = 7000 }");
        AssertSettingError("broadcaster.server.prot", () => Load(["--config", file]));
    }

    [Fact]
    public void Unknown_app_option_names_the_setting()
    {
        var file = WriteConfig("""broadcaster.apps = [{ id = "a", key = "k", secret = "s", enable-client-events = true }]""");
        AssertSettingError("broadcaster.apps[0].enable-client-events", () => Load(["--config", file]));
    }

    [Fact]
    public void Unknown_limit_option_names_the_setting()
    {
        var file = WriteConfig("broadcaster.limits { max-members = 3 }");
        AssertSettingError("broadcaster.limits.max-members", () => Load(["--config", file]));
    }

    [Fact]
    public void Keep_alive_interval_under_a_second_names_the_setting()
    {
        var file = WriteConfig("broadcaster.server.keep-alive-interval = 500ms");
        AssertSettingError("broadcaster.server.keep-alive-interval", () => Load(["--config", file]));
    }

    [Fact]
    public void Request_headers_timeout_under_a_second_names_the_setting()
    {
        var file = WriteConfig("broadcaster.server.request-headers-timeout = 200ms");
        AssertSettingError("broadcaster.server.request-headers-timeout", () => Load(["--config", file]));
    }

    [Theory]
    [InlineData("70000")]
    [InlineData("-1")]
    public void Port_out_of_range_names_the_setting(string port)
    {
        var file = WriteConfig($"broadcaster.server.port = {port}");
        AssertSettingError("broadcaster.server.port", () => Load(["--config", file]));
        AssertSettingError("--port", () => Load(["--port", port]));
        AssertSettingError("BROADCASTER_PORT", () => Load([], Env(("BROADCASTER_PORT", port))));
    }

    [Fact]
    public void Missing_config_file_and_unknown_flag_are_errors()
    {
        AssertSettingError("--config", () => Load(["--config", "/nonexistent/broadcaster.conf"]));
        AssertSettingError("--bogus", () => Load(["--bogus"]));
    }

    [Fact]
    public async Task Port_already_taken_names_the_port_setting()
    {
        await using var first = await TestServers.StartAsync();
        var options = TestServers.DefaultOptions() with { Port = first.Port };
        var e = await Assert.ThrowsAsync<SettingsException>(() => TestServers.StartAsync(options));
        Assert.Contains("broadcaster.server.port", e.Message);
        // The first node is unharmed.
        await using var client = await first.ConnectAsync();
        await client.PingPongAsync();
    }
}
