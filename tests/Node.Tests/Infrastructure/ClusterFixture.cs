using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// A real cluster of <see cref="Size"/> nodes in this process, shared by the tests of a class. Each node listens on
/// 127.0.0.1 with its own HTTP port and cluster port, and every node is listed as a seed, in the same order, as the
/// README asks of a real cluster. Tests start once every node answers <c>/ready</c> with 200 and all its peers linked.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    /// <summary>
    /// Started together, the seeds after the first find it not yet Up and ask again after Akka's seed-node-timeout
    /// (5 s): a cluster is usually ready some 6 s after its nodes started.
    /// </summary>
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly List<BroadcasterServer> _nodes = [];

    public IReadOnlyList<BroadcasterServer> Nodes => _nodes;

    protected virtual int Size => 3;

    /// <param name="defaults">The test defaults with this node's cluster port and the seed list filled in.</param>
    protected virtual BroadcasterOptions Configure(BroadcasterOptions defaults) => defaults;

    /// <summary>The node's cluster address, as the scatter-gather names a node that did not answer.</summary>
    public static string AddressOf(BroadcasterServer node) => Akka.Cluster.Cluster.Get(node.Actors.System).SelfAddress.ToString();

    public async Task InitializeAsync()
    {
        var clusterPorts = new List<int>();
        while (clusterPorts.Count < Size)
        {
            var port = FreePort.Pick();
            if (!clusterPorts.Contains(port)) clusterPorts.Add(port);
        }
        var seeds = clusterPorts.Select(p => $"127.0.0.1:{p}").ToList();
        // All at once, like the nodes of a real deployment: the first seed forms the cluster, the others join it.
        var starts = clusterPorts.Select(port => TestServers.StartAsync(Configure(TestServers.DefaultOptions() with
        {
            Cluster = new ClusterOptions { Hostname = "127.0.0.1", Port = port, Seeds = seeds },
        }))).ToList();
        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            _nodes.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
        }
        await Eventually.WaitAsync(async () => (await Task.WhenAll(_nodes.Select(ReadyWithEveryPeerAsync))).All(r => r),
            FormationTimeout, $"every one of the {Size} nodes to answer /ready 200 with {Size - 1} peers");
    }

    private async Task<bool> ReadyWithEveryPeerAsync(BroadcasterServer node)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{node.Port}{node.Options.PathPrefix}/ready");
            if (!response.IsSuccessStatusCode) return false;
            using var ready = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return ready.RootElement.GetProperty("peers").GetInt32() == Size - 1;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public virtual async Task DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        _nodes.Clear();
    }
}
