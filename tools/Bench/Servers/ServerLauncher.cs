using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Broadcaster.Bench.Servers;

/// <summary>
/// Starts the servers under test as processes: our node (<c>dotnet Broadcaster.Node.dll serve ...</c>, the build of
/// the same configuration as this tool) and the baseline (this tool's own binary with <c>baseline</c>).
/// </summary>
public sealed class ServerLauncher(string dotnet, string nodeDll, string benchDll)
{
    public const string NodeConnectedMetric = "broadcaster_connected";
    public const string BaselineConnectedMetric = "baseline_connected";

    public string NodeDll { get; } = nodeDll;

    /// <summary>
    /// Finds the node next to this tool in the repository (src/Node/bin/&lt;configuration&gt;/net10.0), unless a path is
    /// given. The tool's project builds the node too, so <c>dotnet run -c Release --project tools/Bench</c> is enough.
    /// </summary>
    public static ServerLauncher Locate(string? nodeDll)
    {
        var benchDll = typeof(ServerLauncher).Assembly.Location;
        var configuration = typeof(ServerLauncher).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        if (nodeDll is null)
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cluster.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("cannot find the repository (Cluster.sln) above the tool; pass --node PATH");
            nodeDll = Path.Combine(dir.FullName, "src", "Node", "bin", configuration, "net10.0", "Broadcaster.Node.dll");
        }
        if (!File.Exists(nodeDll)) throw new InvalidOperationException($"{nodeDll} does not exist: build it (dotnet build -c {configuration} src/Node) or pass --node PATH");
        var host = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        return new ServerLauncher(host, nodeDll, benchDll);
    }

    public async Task<ServerProcess> StartBaselineAsync(CancellationToken cancel)
    {
        var port = FreePort();
        var server = ServerProcess.Start("baseline", dotnet, [benchDll, "baseline", "--port", Text(port)], port, BaselineConnectedMetric);
        return await ReadyAsync(server, cancel);
    }

    public async Task<ServerProcess> StartNodeAsync(NodeSettings settings, CancellationToken cancel) =>
        await ReadyAsync(StartNode("broadcaster", settings, null, null), cancel);

    /// <summary>Nodes forming one cluster, every one with the first as its seed; returns once all of them are ready.</summary>
    public async Task<ServerProcess[]> StartClusterAsync(int count, NodeSettings settings, CancellationToken cancel)
    {
        var clusterPorts = new List<int>();
        while (clusterPorts.Count < count)
        {
            var port = FreePort();
            if (!clusterPorts.Contains(port)) clusterPorts.Add(port);
        }
        var seed = $"127.0.0.1:{Text(clusterPorts[0])}";
        var nodes = new List<ServerProcess>();
        try
        {
            for (var i = 0; i < count; i++) nodes.Add(StartNode($"broadcaster node {(char)('A' + i)}", settings, clusterPorts[i], seed));
            await Task.WhenAll(nodes.Select(n => n.WaitReadyAsync(cancel)));
            return nodes.ToArray();
        }
        catch
        {
            foreach (var node in nodes) await node.DisposeAsync();
            throw;
        }
    }

    private ServerProcess StartNode(string name, NodeSettings settings, int? clusterPort, string? seed)
    {
        var port = FreePort();
        var config = Path.Combine(Path.GetTempPath(), $"broadcaster-bench-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, settings.ToHocon(config + ".statistics.db"));
        List<string> args = [NodeDll, "serve", "--host", "127.0.0.1", "--port", Text(port), "--config", config];
        if (clusterPort is { } cp) args.AddRange(["--cluster-port", Text(cp)]);
        if (seed is not null) args.AddRange(["--seed", seed]);
        return ServerProcess.Start(name, dotnet, args, port, NodeConnectedMetric, config);
    }

    private static async Task<ServerProcess> ReadyAsync(ServerProcess server, CancellationToken cancel)
    {
        try
        {
            await server.WaitReadyAsync(cancel);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
