namespace Broadcaster.Bench.Soak;

/// <summary>
/// How fast the node's resident memory, its threads and its non-socket descriptors grew per minute, and its live heap
/// (after the full collections between waves) per minute and per wave connection.
/// </summary>
public sealed record SoakSlopes(double RssMiB, double LiveHeapMiB, double LiveHeapBytesPerConnection, double Threads, double FdsBeyondSockets)
{
    private const double MiB = 1024 * 1024;

    public static SoakSlopes Of(IReadOnlyList<SoakSample> samples, IReadOnlyList<LiveHeapSample> live) => new(
        Fit(samples, s => s.Process.RssBytes / MiB),
        Slope.Of(live.Select(l => (l.Minutes, l.Bytes / MiB)).ToList()),
        Slope.Of(live.Select(l => ((double)l.ConnectionsChurned, (double)l.Bytes)).ToList()),
        Fit(samples, s => s.Process.Threads),
        Fit(samples, s => s.FdsBeyondSockets));

    private static double Fit(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value) =>
        Slope.Of(samples.Select(s => (s.Minutes, value(s))).ToList());
}
