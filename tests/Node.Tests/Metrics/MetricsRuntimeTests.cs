namespace Broadcaster.Node.Tests.Metrics;

/// <summary>
/// Beside the node's own metrics, /metrics has the process's: prometheus-net's process and GC collector and the
/// runtime's System.Runtime meter (thread pool, GC), read anew at every scrape.
/// </summary>
public sealed class MetricsRuntimeTests
{
    [Fact]
    public async Task Process_gc_and_thread_pool_metrics_are_exposed_and_current()
    {
        await using var server = await TestServers.StartAsync();
        var before = await PrometheusScrape.FetchAsync(server.Port);

        Assert.Equal("counter", before.Types["process_cpu_seconds_total"]);
        Assert.True(before.Value("process_cpu_seconds_total") > 0, "process_cpu_seconds_total");
        Assert.True(before.Value("process_working_set_bytes") > 0, "process_working_set_bytes");
        Assert.True(before.Value("process_num_threads") > 0, "process_num_threads");
        Assert.True(before.Value("process_open_handles") > 0, "process_open_handles");
        Assert.InRange(before.Value("process_start_time_seconds"), 1, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        Assert.True(before.Value("dotnet_total_memory_bytes") > 0, "dotnet_total_memory_bytes");
        Assert.Equal("counter", before.Types["dotnet_collection_count_total"]);
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
            Assert.True(before.Value("dotnet_collection_count_total", ("generation", generation.ToString())) >= 0);

        // The thread pool runs this test and the node: it has threads and has completed work.
        Assert.Equal("gauge", before.Types["system_runtime_dotnet_thread_pool_thread_count"]);
        Assert.True(before.Value("system_runtime_dotnet_thread_pool_thread_count") > 0, "thread pool threads");
        Assert.True(before.Value("system_runtime_dotnet_thread_pool_work_item_count") > 0, "thread pool work items");
        Assert.True(before.Value("system_runtime_dotnet_thread_pool_queue_length") >= 0, "thread pool queue length");
        Assert.True(before.Value("system_runtime_dotnet_gc_last_collection_heap_size", ("gc_heap_generation", "gen0")) >= 0);

        // A full collection shows in the next scrape, from both sources.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var after = await PrometheusScrape.FetchAsync(server.Port);
        Assert.True(after.Value("dotnet_collection_count_total", ("generation", "2")) > before.Value("dotnet_collection_count_total", ("generation", "2")),
            "dotnet_collection_count_total{generation=\"2\"} after GC.Collect(2)");
        Assert.True(after.Value("system_runtime_dotnet_gc_collections", ("gc_heap_generation", "gen2")) >
                    before.Value("system_runtime_dotnet_gc_collections", ("gc_heap_generation", "gen2")),
            "system_runtime_dotnet_gc_collections{gc_heap_generation=\"gen2\"} after GC.Collect(2)");
    }
}
