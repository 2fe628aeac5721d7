namespace Broadcaster.Bench.Soak;

/// <summary>
/// How fast a figure grows: the Theil–Sen estimate, the median of the slopes between every pair of points. A leak
/// grows with the work done, and the work is steady, so a leak shows as a slope that noise around a flat line does
/// not reach. The median, not a least-squares line: one sample off (a wave leaving between two reads, a burst the
/// collection caught in flight) moves a least-squares line by as much as a real leak over a short run, and moves
/// the median of the pairwise slopes hardly at all.
/// </summary>
public static class Slope
{
    /// <summary>Units of value per unit of x; NaN with fewer than two points at different x.</summary>
    public static double Of(IReadOnlyList<(double X, double Value)> points)
    {
        var slopes = new List<double>();
        for (var i = 0; i < points.Count; i++)
            for (var j = i + 1; j < points.Count; j++)
                if (points[j].X != points[i].X)
                    slopes.Add((points[j].Value - points[i].Value) / (points[j].X - points[i].X));
        if (slopes.Count == 0) return double.NaN;
        slopes.Sort();
        var mid = slopes.Count / 2;
        return slopes.Count % 2 == 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
    }
}
