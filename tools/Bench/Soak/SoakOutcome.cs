using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// Everything a soak run measured: the three loads' accounting, the node sampled before any client (<see cref="Start"/>),
/// over the run (<see cref="Samples"/>) and once every client had left (<see cref="End"/>), its live heap between
/// waves (<see cref="LiveHeap"/>), and what it still held at the end.
/// </summary>
public sealed record SoakOutcome(
    TimeSpan Duration,
    SteadyOutcome Steady,
    WaveTally Waves,
    PresenceOutcome Presence,
    SoakSample Start,
    IReadOnlyList<SoakSample> Samples,
    SoakSample End,
    IReadOnlyList<LiveHeapSample> LiveHeap,
    IReadOnlyList<string> Leftovers)
{
    /// <summary>
    /// The samples the slopes are fitted to: the second half of the run, once connection pools, tiered compilation and
    /// the collector's budgets have settled (the first minutes grow for those reasons, leak or not).
    /// </summary>
    public IReadOnlyList<SoakSample> SecondHalf => Samples.Where(s => s.Elapsed >= Duration / 2).ToList();

    /// <summary>The live heap measured between waves in the second half of the run.</summary>
    public IReadOnlyList<LiveHeapSample> LiveHeapSecondHalf => LiveHeap.Where(s => s.Elapsed >= Duration / 2).ToList();

    public SoakSlopes Slopes => SoakSlopes.Of(SecondHalf, LiveHeapSecondHalf);

    /// <summary>
    /// The descriptors the node held besides its sockets while it ran (median over the second half): its files, pipes,
    /// the assemblies it loaded on the way and the HTTP API's connections. With every client gone it should hold no
    /// more; comparing with before the first client instead would count the assemblies the run made it load.
    /// </summary>
    public double RunFdsBeyondSockets => Stats.Median(SecondHalf.Select(s => (double)s.FdsBeyondSockets));
}
