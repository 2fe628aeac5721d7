using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Tests.Servers;

public class MetricsSampleTests
{
    // Lines as a node serves them (an idle node with one app and a few clients), with the families around them.
    private const string Scrape = """
        # HELP broadcaster_connected Sockets connected to this node.
        # TYPE broadcaster_connected gauge
        broadcaster_connected{app_id="bench-id"} 12
        broadcaster_connected{app_id="other"} 3
        broadcaster_new_connections_total{app_id="bench-id"} 40
        broadcaster_channels 4
        broadcaster_subscriptions 9
        broadcaster_presence_members{scope="node"} 2
        broadcaster_presence_members{scope="cluster"} 5
        dotnet_collection_count_total{generation="0"} 31
        dotnet_collection_count_total{generation="1"} 7
        dotnet_collection_count_total{generation="2"} 1
        process_working_set_bytes 120426496
        process_open_handles 283
        process_num_threads 22
        dotnet_total_memory_bytes 1.1461256e+07
        system_runtime_dotnet_gc_last_collection_heap_size{gc_heap_generation="gen0"} 1000
        system_runtime_dotnet_gc_last_collection_heap_size{gc_heap_generation="gen1"} 200
        system_runtime_dotnet_gc_last_collection_heap_size{gc_heap_generation="gen2"} 30
        system_runtime_dotnet_gc_last_collection_heap_size{gc_heap_generation="loh"} 4
        system_runtime_dotnet_gc_last_collection_heap_size{gc_heap_generation="poh"} 5
        system_runtime_dotnet_thread_pool_thread_count 5
        system_runtime_dotnet_timer_count 17
        """;

    [Fact]
    public void Holdings_and_runtime_figures_are_read_and_summed_over_apps_and_generations()
    {
        var sample = MetricsSample.Parse(Scrape.Replace("\n", "\r\n"));

        Assert.Equal((15, 4, 9, 2, 5), (sample.Connected, sample.Channels, sample.Subscriptions, sample.PresenceMembers, sample.ClusterPresenceMembers));
        Assert.Equal((11_461_256, 1_239), (sample.ManagedHeapBytes, sample.HeapAfterGcBytes));
        Assert.Equal((31, 7, 1), (sample.Gen0, sample.Gen1, sample.Gen2));
        Assert.Equal((5, 17, 283, 22), (sample.ThreadPoolThreads, sample.Timers, sample.OpenHandles, sample.Threads));
    }

    [Fact]
    public void Leftovers_name_what_is_still_held()
    {
        Assert.Equal(
            ["15 connections (expected 0)", "4 channels (expected 0)", "9 subscriptions (expected 0)",
             "2 presence members on the node (expected 0)", "5 presence members in the cluster (expected 0)"],
            MetricsSample.Parse(Scrape).Leftovers());
        Assert.Empty(new MetricsSample { Connected = 1, Channels = 1, Subscriptions = 1 }.Leftovers(1, 1, 1));
        Assert.Empty(MetricsSample.Parse("# nothing served yet\n").Leftovers());
    }
}
