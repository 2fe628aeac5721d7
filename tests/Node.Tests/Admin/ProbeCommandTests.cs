namespace Broadcaster.Node.Tests.Admin;

/// <summary>
/// <c>broadcaster probe</c>, the Docker healthcheck: exit 0 when the node at --host/--port is ready, 1 otherwise.
/// It must find /ready where the node serves it, under the configured path prefix too.
/// </summary>
public sealed class ProbeCommandTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files) File.Delete(file);
    }

    private static async Task WaitReadyAsync(int port, string prefix)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.WaitAsync(async () => (await http.GetAsync($"http://127.0.0.1:{port}{prefix}/ready")).IsSuccessStatusCode,
            TimeSpan.FromSeconds(5), $"{prefix}/ready to answer 200");
    }

    [Fact]
    public async Task Probe_exits_0_for_a_ready_node_and_1_for_a_closed_port()
    {
        await using var server = await TestServers.StartAsync();
        await WaitReadyAsync(server.Port, "");
        Assert.Equal(0, await Program.Main(["probe", "--host", "127.0.0.1", "--port", server.Port.ToString()]));
        Assert.Equal(1, await Program.Main(["probe", "--host", "127.0.0.1", "--port", FreePort.Pick().ToString()]));
    }

    [Fact]
    public async Task Probe_finds_ready_under_the_configured_path_prefix()
    {
        var config = Path.Combine(Path.GetTempPath(), $"broadcaster-probe-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, """broadcaster.server.path-prefix = "/ws" """);
        _files.Add(config);
        await using var server = await TestServers.StartAsync(TestServers.DefaultOptions() with { PathPrefix = "/ws" });
        await WaitReadyAsync(server.Port, "/ws");
        // Same configuration as the node (a container's healthcheck runs with the node's file and environment).
        Assert.Equal(0, await Program.Main(["probe", "--config", config, "--host", "127.0.0.1", "--port", server.Port.ToString()]));
    }
}
