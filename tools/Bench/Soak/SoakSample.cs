using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// The node at one moment of the soak: from outside (<c>/proc</c>: CPU, resident memory, threads, open file
/// descriptors) and from its own <c>/metrics</c> (managed heap, collections, what it holds).
/// </summary>
public sealed record SoakSample(TimeSpan Elapsed, ProcessSample Process, int OpenFds, MetricsSample Metrics)
{
    public double Minutes => Elapsed.TotalMinutes;

    /// <summary>
    /// Descriptors that are not WebSocket connections: the connection count moves with every wave, so a leaked
    /// descriptor shows here and not in <see cref="OpenFds"/>, which the waves make jump by hundreds.
    /// </summary>
    public long FdsBeyondSockets => OpenFds - Metrics.Connected;

    /// <summary>
    /// Counts the descriptors between two scrapes and keeps the count only when both scrapes saw as many sockets: a
    /// wave connecting or leaving in between would otherwise put hundreds of sockets on one side of the subtraction
    /// and not the other. A few tries, then the last one is kept as it is.
    /// </summary>
    public static async Task<SoakSample> TakeAsync(TimeSpan elapsed, ServerProcess server, HttpClient http, CancellationToken cancel)
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = await MetricsSample.ScrapeAsync(http, server, cancel);
            var process = server.Sample();
            var fds = Directory.EnumerateFileSystemEntries($"/proc/{server.Pid}/fd").Count();
            var metrics = await MetricsSample.ScrapeAsync(http, server, cancel);
            if (metrics.Connected == before.Connected || attempt == 5) return new SoakSample(elapsed, process, fds, metrics);
            await Task.Delay(50, cancel);
        }
    }
}
