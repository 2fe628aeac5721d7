using System.Net;
using System.Text.Json;
using Broadcaster.Node.Bootstrap;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Tests.Infrastructure;

namespace Broadcaster.Node.Tests.Bootstrap;

/// <summary>
/// Two nodes in this process with no seed list, the config method listing both management endpoints: the first
/// alone never forms a cluster of its own, and once the second is there they form one.
/// </summary>
public sealed class ClusterBootstrapTests : IAsyncLifetime
{
    // The bootstrap's stable margin (5 s) and a few probe rounds (1 s): a node that could form a cluster has by then.
    private static readonly TimeSpan FormationWindow = TimeSpan.FromSeconds(10);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly List<BroadcasterServer> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }

    private static BroadcasterOptions Options(int managementPort, IReadOnlyList<int> endpoints) => TestServers.DefaultOptions() with
    {
        Cluster = new ClusterOptions
        {
            Hostname = "127.0.0.1",
            // Any free port: the bootstrap hands out the nodes' real addresses.
            Port = 0,
            FailureTimeout = TimeSpan.FromSeconds(2),
            DownAfter = TimeSpan.FromSeconds(2),
            Discovery = new DiscoveryOptions
            {
                Method = DiscoveryMethod.Config,
                Endpoints = endpoints.Select(p => $"127.0.0.1:{p}").ToList(),
                RequiredContactPoints = endpoints.Count,
                ManagementPort = managementPort,
            },
        },
    };

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path)
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static Akka.Cluster.Cluster ClusterOf(BroadcasterServer node) => Akka.Cluster.Cluster.Get(node.Actors.System);

    private static bool IsUp(BroadcasterServer node) => ClusterOf(node).SelfMember.Status == Akka.Cluster.MemberStatus.Up;

    [Fact]
    public async Task A_node_waits_for_every_contact_point_and_then_one_cluster_forms()
    {
        var ports = new[] { FreePort.Pick(), FreePort.Pick() }.OrderBy(p => p).ToArray();
        // The higher endpoint first: the node that forms the cluster (the lowest) is the one started later.
        var first = await TestServers.StartAsync(Options(ports[1], ports));
        _nodes.Add(first);

        // Alone, it answers its own probe (knowing no cluster) and the other endpoint refuses: it must not form one.
        await Eventually.WaitAsync(async () => (await GetAsync(ports[1], ManagementEndpoint.SeedNodesPath)).Status == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "the management endpoint to answer");
        var waitedUntil = DateTime.UtcNow + FormationWindow;
        while (DateTime.UtcNow < waitedUntil)
        {
            Assert.False(IsUp(first), "a node that cannot reach every contact point formed a cluster of its own");
            using var answer = JsonDocument.Parse((await GetAsync(ports[1], ManagementEndpoint.SeedNodesPath)).Body);
            Assert.Empty(answer.RootElement.GetProperty("Nodes").EnumerateArray());
            await Task.Delay(250);
        }

        var second = await TestServers.StartAsync(Options(ports[0], ports));
        _nodes.Add(second);
        await Eventually.WaitAsync(() => Task.FromResult(_nodes.All(n => IsUp(n) && ClusterOf(n).State.Members.Count == 2)),
            TimeSpan.FromSeconds(20), "both nodes Up in one cluster of two");
        Assert.Equal(ClusterOf(first).State.Members.Select(m => m.UniqueAddress), ClusterOf(second).State.Members.Select(m => m.UniqueAddress));
        // The lowest contact point formed it: the later node is the oldest member.
        Assert.Equal(ClusterOf(second).SelfUniqueAddress, ClusterOf(first).State.Members.MinBy(m => m, Akka.Cluster.Member.AgeOrdering)!.UniqueAddress);

        // A contact point now names the cluster's members; only the management port answers the probe.
        var (status, body) = await GetAsync(ports[0], ManagementEndpoint.SeedNodesPath);
        Assert.Equal(HttpStatusCode.OK, status);
        using var seeds = JsonDocument.Parse(body);
        Assert.Equal(ClusterOf(second).SelfAddress.Port, seeds.RootElement.GetProperty("SelfNode").GetProperty("Port").GetInt32());
        Assert.Equal(2, seeds.RootElement.GetProperty("Nodes").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(second.Port, ManagementEndpoint.SeedNodesPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(ports[0], "/up")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(second.Port, "/up")).Status);
    }
}
