using System.Globalization;

namespace Broadcaster.Bench.Servers;

/// <summary>
/// What our node's <c>GET /metrics</c> says about what it holds (sockets, channels, subscriptions, presence members)
/// and about its runtime (managed heap, the heap the last collection left, collections, threads, handles, timers):
/// enough to see whether a run left something behind, and whether memory or threads grow while the load stays the
/// same. A family the node does not serve reads as 0.
/// </summary>
public sealed record MetricsSample
{
    public long Connected { get; init; }
    public long Channels { get; init; }
    public long Subscriptions { get; init; }

    /// <summary>Presence members with a socket on this node (<c>scope="node"</c>).</summary>
    public long PresenceMembers { get; init; }

    /// <summary>Presence members of the whole cluster as this node knows them (<c>scope="cluster"</c>).</summary>
    public long ClusterPresenceMembers { get; init; }

    /// <summary><c>dotnet_total_memory_bytes</c>: the managed heap, garbage not yet collected included.</summary>
    public long ManagedHeapBytes { get; init; }

    /// <summary>The heap the last collection left, over every generation: what survived it, a steadier leak signal.</summary>
    public long HeapAfterGcBytes { get; init; }

    public long Gen0 { get; init; }
    public long Gen1 { get; init; }
    public long Gen2 { get; init; }
    public long ThreadPoolThreads { get; init; }
    public long Timers { get; init; }

    /// <summary><c>process_open_handles</c> and <c>process_num_threads</c>, as the node counts them itself.</summary>
    public long OpenHandles { get; init; }

    public long Threads { get; init; }

    public static async Task<MetricsSample> ScrapeAsync(HttpClient http, ServerProcess server, CancellationToken cancel) =>
        Parse(await http.GetStringAsync($"http://127.0.0.1:{server.Port}/metrics", cancel));

    public static MetricsSample Parse(string text)
    {
        var sample = new MetricsSample();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var space = line.LastIndexOf(' ');
            if (space <= 0 || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) continue;
            var value = (long)number;
            var brace = line.IndexOf('{');
            var name = brace > 0 && brace < space ? line[..brace] : line[..space];
            var labels = brace > 0 && brace < space ? line[brace..space] : "";
            sample = name switch
            {
                // One series per app: the node's sockets are their sum.
                "broadcaster_connected" => sample with { Connected = sample.Connected + value },
                "broadcaster_channels" => sample with { Channels = value },
                "broadcaster_subscriptions" => sample with { Subscriptions = value },
                "broadcaster_presence_members" when labels.Contains("scope=\"node\"", StringComparison.Ordinal) => sample with { PresenceMembers = value },
                "broadcaster_presence_members" when labels.Contains("scope=\"cluster\"", StringComparison.Ordinal) => sample with { ClusterPresenceMembers = value },
                "dotnet_total_memory_bytes" => sample with { ManagedHeapBytes = value },
                "system_runtime_dotnet_gc_last_collection_heap_size" => sample with { HeapAfterGcBytes = sample.HeapAfterGcBytes + value },
                "dotnet_collection_count_total" when labels.Contains("\"0\"", StringComparison.Ordinal) => sample with { Gen0 = value },
                "dotnet_collection_count_total" when labels.Contains("\"1\"", StringComparison.Ordinal) => sample with { Gen1 = value },
                "dotnet_collection_count_total" when labels.Contains("\"2\"", StringComparison.Ordinal) => sample with { Gen2 = value },
                "system_runtime_dotnet_thread_pool_thread_count" => sample with { ThreadPoolThreads = value },
                "system_runtime_dotnet_timer_count" => sample with { Timers = value },
                "process_open_handles" => sample with { OpenHandles = value },
                "process_num_threads" => sample with { Threads = value },
                _ => sample,
            };
        }
        return sample;
    }

    /// <summary>Sockets, channels, subscriptions and presence members: all 0 once every client is gone.</summary>
    public IEnumerable<string> Leftovers(long expectedConnections = 0, long expectedChannels = 0, long expectedSubscriptions = 0)
    {
        if (Connected != expectedConnections) yield return $"{Connected} connections (expected {expectedConnections})";
        if (Channels != expectedChannels) yield return $"{Channels} channels (expected {expectedChannels})";
        if (Subscriptions != expectedSubscriptions) yield return $"{Subscriptions} subscriptions (expected {expectedSubscriptions})";
        if (PresenceMembers != 0) yield return $"{PresenceMembers} presence members on the node (expected 0)";
        if (ClusterPresenceMembers != 0) yield return $"{ClusterPresenceMembers} presence members in the cluster (expected 0)";
    }
}
