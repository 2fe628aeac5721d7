using System.Diagnostics;
using System.Diagnostics.Tracing;
using Broadcaster.Bench.Servers;
using Microsoft.Diagnostics.NETCore.Client;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// Makes the node collect its whole heap, from outside and without its help, the way <c>dotnet-gcdump</c> does: an
/// EventPipe session that enables the runtime's GCHeapCollect keyword makes the runtime run a full, blocking
/// collection. What the heap holds after it is what the node keeps alive, garbage and the collector's budgets aside:
/// the one memory figure in which a leak of a few KiB per connection stands out within a minute.
/// </summary>
public static class FullCollection
{
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";
    private const long GcHeapCollectKeyword = 0x800000;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>The node's metrics once the collection it was made to run is over.</summary>
    public static async Task<MetricsSample> RunAsync(ServerProcess server, HttpClient http, CancellationToken cancel)
    {
        var before = await MetricsSample.ScrapeAsync(http, server, cancel);
        var client = new DiagnosticsClient(server.Pid);
        using var session = await client.StartEventPipeSessionAsync(
            [new EventPipeProvider(RuntimeProvider, EventLevel.Informational, GcHeapCollectKeyword)], requestRundown: false, token: cancel);
        // The runtime writes the session's events whether anyone wants them or not: read them away.
        var drain = session.EventStream.CopyToAsync(Stream.Null, cancel);
        var started = Stopwatch.GetTimestamp();
        MetricsSample after;
        while ((after = await MetricsSample.ScrapeAsync(http, server, cancel)).Gen2 == before.Gen2)
        {
            if (Stopwatch.GetElapsedTime(started) > Limit) throw new TimeoutException($"the node ran no full collection within {Limit.TotalSeconds:0} s");
            await Task.Delay(20, cancel);
        }
        await session.StopAsync(cancel);
        try
        {
            await drain;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The session's stream ends with the session.
        }
        return after;
    }
}
