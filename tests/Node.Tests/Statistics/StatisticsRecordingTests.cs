using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Statistics;
using Broadcaster.Node.Tests.Dashboard;
using Microsoft.Data.Sqlite;

namespace Broadcaster.Node.Tests.Statistics;

/// <summary>A real node writing its statistics: peak connections and message counts per interval, the graph's data, and clean.</summary>
public sealed class StatisticsRecordingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string Database => _dir.File("stats.db");

    public void Dispose() => _dir.Dispose();

    private BroadcasterOptions Options() => DashboardAccessTests.Enabled() with
    {
        Statistics = new StatisticsOptions { Enabled = true, Interval = TimeSpan.FromSeconds(1), Database = Database },
    };

    private IReadOnlyList<StatisticsBucket> Rows(string app) => new StatisticsDatabase(Database).Query(app, 0, long.MaxValue, 1000);

    [Fact]
    public async Task Each_interval_gets_the_apps_peak_connections_and_message_counts()
    {
        await using var server = await TestServers.StartAsync(Options());
        var one = await server.ConnectAsync();
        await using var two = await server.ConnectAsync();
        await one.SubscribeAsync("news");
        await one.PingPongAsync();
        await one.DisposeAsync();
        for (var i = 0; i < 3; i++) await server.Api().TriggerOkAsync("news", "e", "{}");
        await server.Api().PostJsonAsync("batch_events", new { batch = new[] { new { name = "a", channel = "x", data = "1" }, new { name = "b", channel = "y", data = "2" } } });

        await Eventually.WaitAsync(() => Task.FromResult(Rows("app-id").Sum(r => r.ApiMessages) == 5), TimeSpan.FromSeconds(10),
            "5 API messages written");
        var rows = Rows("app-id");
        Assert.Equal(2, rows.Max(r => r.PeakConnections));
        // The subscribe and the ping came in; connection_established twice, subscription_succeeded, the pong and news events went out.
        Assert.True(rows.Sum(r => r.WebSocketMessagesIn) >= 2, $"{rows.Sum(r => r.WebSocketMessagesIn)} in");
        Assert.True(rows.Sum(r => r.WebSocketMessagesOut) >= 4, $"{rows.Sum(r => r.WebSocketMessagesOut)} out");
        Assert.All(rows, r => Assert.Equal(0, r.TimeMs % 1000));
        Assert.Single(rows.Select(r => r.Node).Distinct());
        // Apps nobody used write no rows.
        Assert.Empty(Rows("empty-id"));

        using var dashboard = new DashboardClient(server.Port);
        (await dashboard.SignInAsync(DashboardAccessTests.Password)).Dispose();
        var graph = await dashboard.GetJsonAsync("api/statistics?app=app-id&hours=1");
        var points = graph.GetProperty("points").EnumerateArray().ToList();
        Assert.True(points.Sum(p => p.GetProperty("api_messages").GetInt64()) >= 5);
        Assert.Equal(1000, graph.GetProperty("interval_ms").GetInt64());
        Assert.True(graph.GetProperty("nodes").EnumerateObject().Single().Value.GetArrayLength() > 0);
    }

    [Fact]
    public async Task Clean_removes_what_is_older_than_the_days_given_or_the_retention()
    {
        var db = new StatisticsDatabase(Database);
        db.Open();
        var now = DateTimeOffset.UtcNow;
        long DaysAgo(int days) => (now - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds() / 60_000 * 60_000;
        db.Insert([
            new StatisticsSample("n1", DaysAgo(90), 60_000, [new StatisticsRow("app", 1, 1, 1, 1)]),
            new StatisticsSample("n1", DaysAgo(10), 60_000, [new StatisticsRow("app", 1, 1, 1, 1)]),
            new StatisticsSample("n1", DaysAgo(0), 60_000, [new StatisticsRow("app", 1, 1, 1, 1)]),
        ]);
        var config = _dir.File("clean.conf");
        await File.WriteAllTextAsync(config, $"broadcaster.statistics {{ database = \"{Database}\", retention = 60d }}");

        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await Program.Main(["clean", "--config", config]));
            Assert.Equal([DaysAgo(10), DaysAgo(0)], Rows("app").Select(r => r.TimeMs));
            Assert.Equal(0, await Program.Main(["clean", "--days", "5", "--config", config]));
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.Contains($"Removed 1 statistics entry older than 60 days from {Database}", output.ToString());
        Assert.Contains($"Removed 1 statistics entry older than 5 days from {Database}", output.ToString());
        Assert.Equal([DaysAgo(0)], Rows("app").Select(r => r.TimeMs));
    }
}
