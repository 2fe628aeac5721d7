namespace Broadcaster.Bench;

/// <summary>
/// One figure: its value in each measured run (warm-up excluded) and, optionally, the baseline it is compared to
/// (ratio = this row's median / the baseline row's median).
/// </summary>
public sealed record ResultRow(string Scenario, string Measure, string Unit, IReadOnlyList<double> Runs, ResultRow? Baseline = null)
{
    public double Median => Stats.Median(Runs);
    public double Min => Runs.Count == 0 ? double.NaN : Runs.Min();
    public double Max => Runs.Count == 0 ? double.NaN : Runs.Max();
    public double? Ratio => Baseline is null ? null : Median / Baseline.Median;
}
