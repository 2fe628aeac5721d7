using System.Net;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Statistics;
using Microsoft.Data.Sqlite;

namespace Broadcaster.Node.Tests.Dashboard;

/// <summary>Two nodes, each with its own statistics file and the dashboard on: every dashboard shows the whole cluster.</summary>
public sealed class DashboardClusterFixture : ClusterFixture
{
    private readonly TempDirectory _files = new();

    protected override int Size => 2;

    public string DatabaseOf(BroadcasterServer node) => node.Options.Statistics.Database;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _files.Dispose();
    }

    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults with
    {
        Dashboard = new DashboardOptions { Enabled = true, Password = DashboardAccessTests.Password },
        Statistics = new StatisticsOptions
        {
            Enabled = true,
            Interval = TimeSpan.FromSeconds(1),
            Database = _files.File($"stats-{defaults.Cluster.Port}.db"),
        },
    };
}

public sealed class ClusterDashboardTests(DashboardClusterFixture cluster) : IClassFixture<DashboardClusterFixture>
{
    private async Task<DashboardClient> SignedInAsync(BroadcasterServer node)
    {
        var dashboard = new DashboardClient(node.Port);
        using var response = await dashboard.SignInAsync(DashboardAccessTests.Password);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return dashboard;
    }

    private static string NameOf(BroadcasterServer node) => Broadcaster.Node.Cluster.NodeName.Self(node.Actors.System);

    [Fact]
    public async Task Either_node_shows_both_nodes_and_the_connections_on_each()
    {
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        await using var onA = await a.ConnectAsync();
        await using var onB1 = await b.ConnectAsync();
        await using var onB2 = await b.ConnectAsync();
        await onA.SubscribeAsync("presence-lobby", """{"user_id":"same"}""");
        await onB1.SubscribeAsync("presence-lobby", """{"user_id":"same"}""");
        await onB2.SubscribeAsync("presence-lobby", """{"user_id":"other"}""");

        foreach (var node in cluster.Nodes)
        {
            using var dashboard = await SignedInAsync(node);
            var overview = await dashboard.GetJsonAsync("api/overview");
            var nodes = overview.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("id").GetString()!);
            Assert.Equal(2, nodes.Count);
            Assert.All(nodes.Values, n => Assert.Equal("Up", n.GetProperty("status").GetString()));
            Assert.Equal(1, nodes[NameOf(a)].GetProperty("connections").GetInt32());
            Assert.Equal(2, nodes[NameOf(b)].GetProperty("connections").GetInt32());
            Assert.Equal(NameOf(node), overview.GetProperty("self").GetString());
            var app = overview.GetProperty("apps").EnumerateArray().Single(x => x.GetProperty("id").GetString() == "app-id");
            Assert.Equal((3, 1), (app.GetProperty("connections").GetInt32(), app.GetProperty("channels").GetInt32()));
            // One user on two nodes is one member.
            Assert.Equal(2, app.GetProperty("presence").EnumerateArray().Single().GetProperty("members").GetInt32());
        }
    }

    [Fact]
    public async Task The_live_log_on_one_node_shows_what_happens_on_the_other()
    {
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        using var dashboard = await SignedInAsync(a);
        using var live = await dashboard.OpenLiveAsync();
        await live.NextAsync("overview");

        // B hears A's watch within a moment: trigger until B's entry arrives.
        var seen = Task.Run(() => live.NextAsync("log", batch => batch.GetProperty("entries").EnumerateArray()
            .Any(e => e.GetProperty("node").GetString() == NameOf(b) && e.GetProperty("event").GetString() == "from-b"), TimeSpan.FromSeconds(15)));
        while (!seen.IsCompleted)
        {
            await b.Api().TriggerOkAsync("news", "from-b", "{}");
            await Task.WhenAny(seen, Task.Delay(200));
        }
        await seen;
    }

    [Fact]
    public async Task The_oldest_node_writes_every_nodes_rows_and_the_graph_on_either_node_reads_them()
    {
        var (a, b) = (cluster.Nodes[0], cluster.Nodes[1]);
        for (var i = 0; i < 3; i++) await a.Api().TriggerOkAsync("stats", "e", "{}");
        for (var i = 0; i < 2; i++) await b.Api().TriggerOkAsync("stats", "e", "{}");

        long Api(BroadcasterServer node) =>
            new StatisticsDatabase(cluster.DatabaseOf(node)).Query("app-id", 0, long.MaxValue, 1000).Sum(r => r.ApiMessages);
        var oldest = cluster.Nodes.OrderBy(n => Akka.Cluster.Cluster.Get(n.Actors.System).SelfMember, Akka.Cluster.Member.AgeOrdering).First();
        var other = cluster.Nodes.Single(n => n != oldest);
        await Eventually.WaitAsync(() => Task.FromResult(Api(oldest) >= 5), TimeSpan.FromSeconds(10), "the writer's file to hold the 5 API messages");
        Assert.Equal(0, Api(other));
        var nodes = new StatisticsDatabase(cluster.DatabaseOf(oldest)).Query("app-id", 0, long.MaxValue, 1000).Select(r => r.Node).ToHashSet();
        Assert.Equal(new[] { NameOf(a), NameOf(b) }.Order(), nodes.Order());

        using var dashboard = await SignedInAsync(other);
        var graph = await dashboard.GetJsonAsync("api/statistics?app=app-id&hours=1");
        Assert.Equal(Api(oldest), graph.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("api_messages").GetInt64()));
        Assert.Equal(new[] { NameOf(a), NameOf(b) }.Order(), graph.GetProperty("nodes").EnumerateObject().Select(n => n.Name).Order());
        Assert.Empty(graph.GetProperty("missing").EnumerateArray());
    }
}
