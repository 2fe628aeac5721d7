namespace Broadcaster.Bench.Soak;

/// <summary>
/// How much growth the soak's verdict lets pass. Placeholder values until measured.
/// </summary>
public sealed record SoakLimits(double RssMiBPerMinute, double LiveHeapBytesPerConnection, double ThreadsPerMinute, double FdsPerMinute, int EndFdsOverRun)
{
    public static readonly SoakLimits Long = new(4, 256, 2, 2, 20);
    public static readonly SoakLimits Short = new(40, 512, 10, 10, 20);

    public static SoakLimits For(TimeSpan duration) => duration >= TimeSpan.FromMinutes(5) ? Long : Short;
}
