namespace Broadcaster.Bench.Measure;

/// <summary>
/// One figure over all runs: median, min and max of the runs' values, and the ratio of its median to the median
/// of the same figure on the reference server (<see cref="Vs"/>) measured in the same runs.
/// </summary>
public sealed record ResultSummary(string Scenario, string Case, string Measure, string Unit, string Server,
    IReadOnlyList<double> Values, double? Ratio, string? Vs, string? Note)
{
    public double Median => Stats.Median(Values);
    public double Min => Values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Min();
    public double Max => Values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Max();
}
