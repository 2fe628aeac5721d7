namespace Broadcaster.Bench.Soak;

/// <summary>
/// How much growth the soak's verdict lets pass, per run length, chosen from measured runs (docs/reliability.md)
/// against a node with a deliberate leak of 2 KiB per connection, which the live heap reads as +2,023 and +2,120
/// bytes per wave connection in runs of one and five minutes, while clean runs read -49 to +55.
/// </summary>
/// <param name="RssMiBPerMinute">
/// Resident memory: what the managed heap does not show (native buffers, the collector's own growth). Clean runs:
/// -0.02 to +1.5 MiB/min over one minute, +0.58 over five; the 2 KiB leak +6.0 and +7.1.
/// </param>
/// <param name="LiveHeapBytesPerConnection">
/// The live heap after full collections, per wave connection: 512 bytes over a minute, ten times what a clean minute
/// reached and a quarter of the deliberate leak; 256 over five minutes and more (clean runs: +49 to +55, the liveness
/// wheel's slots keeping their lists).
/// </param>
/// <param name="ThreadsPerMinute">Clean runs shed threads after the start (-8 to 0 a minute over one minute) and hold them flat (+0.5 at most) over five.</param>
/// <param name="FdsPerMinute">Descriptors besides sockets: 0.00 a minute in every clean run.</param>
/// <param name="EndFdsOverRun">
/// Descriptors once every client has left, over what the node held besides its sockets during the run: clean runs
/// end 2 to 7 below it (the HTTP API's connections are gone too).
/// </param>
public sealed record SoakLimits(double RssMiBPerMinute, double LiveHeapBytesPerConnection, double ThreadsPerMinute, double FdsPerMinute, int EndFdsOverRun)
{
    /// <summary>Five minutes and more: tighter, the slopes of a longer run are steadier.</summary>
    public static readonly SoakLimits Long = new(RssMiBPerMinute: 4, LiveHeapBytesPerConnection: 256, ThreadsPerMinute: 2, FdsPerMinute: 2, EndFdsOverRun: 10);

    /// <summary>Shorter runs (the CI's minute): wide bounds, the verdict rests on what must be zero.</summary>
    public static readonly SoakLimits Short = new(RssMiBPerMinute: 16, LiveHeapBytesPerConnection: 512, ThreadsPerMinute: 10, FdsPerMinute: 10, EndFdsOverRun: 10);

    public static SoakLimits For(TimeSpan duration) => duration >= TimeSpan.FromMinutes(5) ? Long : Short;
}
