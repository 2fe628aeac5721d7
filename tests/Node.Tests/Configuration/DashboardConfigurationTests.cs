using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>The public configuration of issue 10: broadcaster.dashboard, broadcaster.statistics and the clean command's flag.</summary>
public sealed class DashboardConfigurationTests : IDisposable
{
    private readonly List<string> _files = [];

    private BroadcasterOptions LoadFile(string hocon, Dictionary<string, string>? env = null, params string[] args)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-test-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return OptionsLoader.Load(CommandLine.Parse([.. args.Length == 0 ? ["serve"] : args, "--config", path]), env ?? new Dictionary<string, string>());
    }

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    [Fact]
    public void Defaults_are_a_disabled_dashboard_and_statistics_every_minute_kept_sixty_days()
    {
        var options = LoadFile("broadcaster {}");

        Assert.Equal((false, ""), (options.Dashboard.Enabled, options.Dashboard.Password));
        Assert.Equal((true, TimeSpan.FromSeconds(60), "broadcaster-statistics.db", TimeSpan.FromDays(60)),
            (options.Statistics.Enabled, options.Statistics.Interval, options.Statistics.Database, options.Statistics.Retention));
    }

    [Fact]
    public void The_documented_settings_read_as_written()
    {
        var options = LoadFile("""
            broadcaster {
              dashboard { enabled = true, password = "s3cret" }
              statistics { enabled = false, interval = 10s, database = "/var/lib/broadcaster/stats.db", retention = 7d }
            }
            """);

        Assert.Equal((true, "s3cret"), (options.Dashboard.Enabled, options.Dashboard.Password));
        Assert.Equal((false, TimeSpan.FromSeconds(10), "/var/lib/broadcaster/stats.db", TimeSpan.FromDays(7)),
            (options.Statistics.Enabled, options.Statistics.Interval, options.Statistics.Database, options.Statistics.Retention));
    }

    [Fact]
    public void An_enabled_dashboard_without_a_password_refuses_to_start()
    {
        var e = Assert.Throws<SettingsException>(() => LoadFile("broadcaster.dashboard.enabled = true"));
        Assert.Contains("broadcaster.dashboard.password", e.Message);
    }

    [Fact]
    public void The_environment_gives_the_password_and_the_database()
    {
        var options = LoadFile("broadcaster.dashboard.enabled = true",
            new Dictionary<string, string> { ["BROADCASTER_DASHBOARD_PASSWORD"] = "from-env", ["BROADCASTER_STATISTICS_DATABASE"] = "/tmp/x.db" });

        Assert.Equal(("from-env", "/tmp/x.db"), (options.Dashboard.Password, options.Statistics.Database));
    }

    [Fact]
    public void The_environment_turns_the_dashboard_on_and_then_wants_a_password()
    {
        var on = new Dictionary<string, string> { ["BROADCASTER_DASHBOARD_ENABLED"] = "1", ["BROADCASTER_DASHBOARD_PASSWORD"] = "pw" };
        Assert.True(LoadFile("broadcaster {}", on).Dashboard.Enabled);
        Assert.False(LoadFile("broadcaster.dashboard { enabled = true, password = x }",
            new Dictionary<string, string> { ["BROADCASTER_DASHBOARD_ENABLED"] = "0" }).Dashboard.Enabled);
        Assert.Throws<SettingsException>(() => LoadFile("broadcaster {}", new Dictionary<string, string> { ["BROADCASTER_DASHBOARD_ENABLED"] = "true" }));
    }

    [Theory]
    [InlineData("broadcaster.dashboard.passwd = x", "broadcaster.dashboard.passwd")]
    [InlineData("broadcaster.statistics.intervall = 5s", "broadcaster.statistics.intervall")]
    [InlineData("broadcaster.statistics.interval = 100ms", "broadcaster.statistics.interval")]
    [InlineData("broadcaster.statistics.retention = 10m", "broadcaster.statistics.retention")]
    [InlineData("broadcaster.statistics.database = \"  \"", "broadcaster.statistics.database")]
    public void A_wrong_setting_is_named(string hocon, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => LoadFile(hocon));
        Assert.Contains(setting, e.Message);
    }

    [Fact]
    public void Clean_takes_a_number_of_days()
    {
        Assert.Equal(("clean", 30), (CommandLine.Parse(["clean", "--days", "30"]).Command, CommandLine.Parse(["clean", "--days", "30"]).Days));
        Assert.Null(CommandLine.Parse(["clean"]).Days);
        Assert.Throws<SettingsException>(() => CommandLine.Parse(["clean", "--days", "soon"]));
        Assert.Throws<SettingsException>(() => CommandLine.Parse(["serve", "--days", "3"]));
    }
}
