using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Node.Tests.Configuration;

/// <summary>The public configuration of issue 9: per-app webhooks and features, broadcaster.webhooks and broadcaster.cache.</summary>
public sealed class WebhookConfigurationTests : IDisposable
{
    private readonly List<string> _files = [];

    private BroadcasterOptions LoadFile(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broadcaster-test-{Guid.NewGuid():N}.conf");
        File.WriteAllText(path, hocon);
        _files.Add(path);
        return OptionsLoader.Load(CommandLine.Parse(["serve", "--config", path]), new Dictionary<string, string>());
    }

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    [Fact]
    public void The_documented_example_reads_as_written()
    {
        var options = LoadFile("""
            broadcaster {
              apps = [ { id = a, key = b, secret = c
                webhooks = [
                  { url = "https://pixelfed.example/pusher/webhook"
                    event-types = ["channel_occupied", "channel_vacated", "member_added", "member_removed", "client_event", "cache_miss", "subscription_count"]
                    filter { channel-name-starts-with = "presence-", channel-name-ends-with = ".1" }
                    headers { "X-Custom" = "value" } }
                  { url = "http://127.0.0.1:9000/hook", event-types = ["cache_miss"] }
                ]
                enable-subscription-count = true
                enable-watchlist-events = true } ]
              webhooks { batch-window = 10ms, delay-vacated = 1s, retry-for = 30s, timeout = 2s }
              cache { ttl = 5m }
            }
            """);
        var app = Assert.Single(options.Apps);
        Assert.True(app.EnableSubscriptionCount);
        Assert.True(app.EnableWatchlistEvents);
        var (first, second) = (app.Webhooks![0], app.Webhooks[1]);
        Assert.Equal("https://pixelfed.example/pusher/webhook", first.Url);
        Assert.Equal(Webhook.AllEventTypes.Order(), first.EventTypes.Order());
        Assert.Equal(("presence-", ".1"), (first.ChannelNameStartsWith, first.ChannelNameEndsWith));
        Assert.Equal("value", first.Headers!["X-Custom"]);
        Assert.Equal(["cache_miss"], second.EventTypes);
        Assert.Equal(("", ""), (second.ChannelNameStartsWith, second.ChannelNameEndsWith));
        Assert.Equal((TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)),
            (options.Webhooks.BatchWindow, options.Webhooks.DelayVacated, options.Webhooks.RetryFor, options.Webhooks.Timeout));
        Assert.Equal(TimeSpan.FromMinutes(5), options.CacheTtl);
    }

    [Fact]
    public void Defaults_are_pushers()
    {
        var options = LoadFile("broadcaster { apps = [ { id = a, key = b, secret = c } ] }");
        var app = Assert.Single(options.Apps);
        Assert.Null(app.Webhooks);
        Assert.False(app.EnableSubscriptionCount || app.EnableWatchlistEvents);
        Assert.Equal((TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5)),
            (options.Webhooks.BatchWindow, options.Webhooks.DelayVacated, options.Webhooks.RetryFor, options.Webhooks.Timeout));
        Assert.Equal(TimeSpan.FromMinutes(30), options.CacheTtl);
    }

    [Theory]
    [InlineData("""webhooks = [ { url = "ftp://x/", event-types = ["cache_miss"] } ]""", "broadcaster.apps[0].webhooks[0].url")]
    [InlineData("""webhooks = [ { url = "not a url", event-types = ["cache_miss"] } ]""", "broadcaster.apps[0].webhooks[0].url")]
    [InlineData("""webhooks = [ { url = "http://x/", event-types = ["channel_created"] } ]""", "broadcaster.apps[0].webhooks[0].event-types")]
    [InlineData("""webhooks = [ { url = "http://x/", event-types = [] } ]""", "broadcaster.apps[0].webhooks[0].event-types")]
    [InlineData("""webhooks = [ { url = "http://x/" } ]""", "broadcaster.apps[0].webhooks[0].event-types")]
    [InlineData("""webhooks = [ { url = "http://x/", event-types = ["cache_miss"], urls = [] } ]""", "broadcaster.apps[0].webhooks[0].urls")]
    [InlineData("""webhooks = [ { url = "http://x/", event-types = ["cache_miss"], filter { prefix = "a" } } ]""", "broadcaster.apps[0].webhooks[0].filter.prefix")]
    [InlineData("""webhooks = [ { url = "http://x/", event-types = ["cache_miss"], headers { "X-Pusher-Signature" = "x" } } ]""", "broadcaster.apps[0].webhooks[0].headers")]
    [InlineData("""webhooks = "http://x/" """, "broadcaster.apps[0].webhooks")]
    public void A_wrong_webhook_setting_names_itself(string setting, string path)
    {
        var e = Assert.Throws<SettingsException>(() => LoadFile($"broadcaster {{ apps = [ {{ id = a, key = b, secret = c, {setting} }} ] }}"));
        Assert.StartsWith(path, e.Message);
    }

    [Theory]
    [InlineData("webhooks { retry = 1s }", "broadcaster.webhooks.retry")]
    [InlineData("webhooks { timeout = soon }", "broadcaster.webhooks.timeout")]
    [InlineData("cache { ttl = 0s }", "broadcaster.cache.ttl")]
    public void A_wrong_server_setting_names_itself(string setting, string path)
    {
        var e = Assert.Throws<SettingsException>(() => LoadFile($"broadcaster {{ {setting} }}"));
        Assert.StartsWith(path, e.Message);
    }
}
