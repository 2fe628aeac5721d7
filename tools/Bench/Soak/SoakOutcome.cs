namespace Broadcaster.Bench.Soak;

/// <summary>
/// Everything a soak run measured: the three loads' accounting, the node sampled before any client (<see cref="Start"/>),
/// over the run (<see cref="Samples"/>) and once every client had left (<see cref="End"/>), and what it still held then.
/// </summary>
public sealed record SoakOutcome(
    TimeSpan Duration,
    SteadyOutcome Steady,
    WaveTally Waves,
    PresenceOutcome Presence,
    SoakSample Start,
    IReadOnlyList<SoakSample> Samples,
    SoakSample End,
    IReadOnlyList<string> Leftovers)
{
    /// <summary>
    /// The samples the slopes are fitted to: the second half of the run, once connection pools, tiered compilation and
    /// the collector's budgets have settled (the first minutes grow for those reasons, leak or not).
    /// </summary>
    public IReadOnlyList<SoakSample> SecondHalf => Samples.Where(s => s.Elapsed >= Duration / 2).ToList();

    public SoakSlopes Slopes => SoakSlopes.Of(SecondHalf);
}
