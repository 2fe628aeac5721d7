using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>
/// Settings that take lists. Akka's HOCON reads a plain string where a list belongs as an empty list; the node
/// must refuse it, or a typo would silently allow every origin or make a node a cluster of its own.
/// </summary>
public sealed class ConfigurationListTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    private BroadcasterOptions LoadFile(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-list-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return OptionsLoader.Load(CommandLine.Parse(["serve", "--config", path]), new Dictionary<string, string>());
    }

    [Theory]
    [InlineData("""broadcaster { apps = [ { id = a, key = b, secret = c, allowed-origins = "https://a.example" } ] }""", "broadcaster.apps[0].allowed-origins")]
    [InlineData("""broadcaster { apps = "a" }""", "broadcaster.apps")]
    [InlineData("""broadcaster { cluster { seeds = "10.0.0.1:4000" } }""", "broadcaster.cluster.seeds")]
    public void A_string_where_a_list_belongs_is_refused(string hocon, string setting)
    {
        var e = Assert.Throws<SettingsException>(() => LoadFile(hocon));
        Assert.StartsWith(setting, e.Message);
    }

    [Fact]
    public void Empty_and_filled_lists_are_read()
    {
        var empty = LoadFile("""broadcaster { apps = [ { id = a, key = b, secret = c, allowed-origins = [] } ], cluster { seeds = [] } }""");
        Assert.Empty(empty.Apps[0].AllowedOrigins!);
        Assert.Empty(empty.Cluster.Seeds);
        Assert.True(empty.Apps[0].IsOriginAllowed("https://anything.example"));

        var filled = LoadFile("""broadcaster { apps = [ { id = a, key = b, secret = c, allowed-origins = ["https://a.example"] } ], cluster { seeds = ["10.0.0.1:4000", "10.0.0.2:4000"] } }""");
        Assert.Equal(["https://a.example"], filled.Apps[0].AllowedOrigins!);
        Assert.False(filled.Apps[0].IsOriginAllowed("https://b.example"));
        Assert.Equal(["10.0.0.1:4000", "10.0.0.2:4000"], filled.Cluster.Seeds);
    }
}
