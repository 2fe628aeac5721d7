namespace Broadcaster.Bench.Soak;

/// <summary>How fast the node's resident memory, the heap its collections leave, its threads and its non-socket descriptors grew, per minute.</summary>
public sealed record SoakSlopes(double RssMiB, double HeapAfterGcMiB, double Threads, double FdsBeyondSockets)
{
    private const double MiB = 1024 * 1024;

    public static SoakSlopes Of(IReadOnlyList<SoakSample> samples) => new(
        Fit(samples, s => s.Process.RssBytes / MiB),
        Fit(samples, s => s.Metrics.HeapAfterGcBytes / MiB),
        Fit(samples, s => s.Process.Threads),
        Fit(samples, s => s.FdsBeyondSockets));

    private static double Fit(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value) =>
        Slope.PerMinute(samples.Select(s => (s.Minutes, value(s))).ToList());
}
