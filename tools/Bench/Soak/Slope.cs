namespace Broadcaster.Bench.Soak;

/// <summary>
/// The least-squares line through a series of (minutes, value) points: its slope is how fast a figure grows per
/// minute. A leak grows with the work done, and the work is steady, so a leak shows as a slope that noise around a
/// flat line does not reach.
/// </summary>
public static class Slope
{
    /// <summary>Units per minute; NaN with fewer than two points or all at the same time.</summary>
    public static double PerMinute(IReadOnlyList<(double Minutes, double Value)> points)
    {
        if (points.Count < 2) return double.NaN;
        var meanX = points.Average(p => p.Minutes);
        var meanY = points.Average(p => p.Value);
        double covariance = 0, variance = 0;
        foreach (var (x, y) in points)
        {
            covariance += (x - meanX) * (y - meanY);
            variance += (x - meanX) * (x - meanX);
        }
        return variance == 0 ? double.NaN : covariance / variance;
    }
}
