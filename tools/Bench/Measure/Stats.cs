namespace Broadcaster.Bench.Measure;

/// <summary>Medians of the figures of several runs.</summary>
public static class Stats
{
    /// <summary>The median of the values that are numbers (NaN ones are left out); NaN when none is.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
