using System.Numerics;

namespace Broadcaster.Bench.Measure;

/// <summary>
/// Counts of latencies in microseconds, in log-linear buckets: exact below 128 µs, then 64 buckets per power of two
/// (at most 1/64, 1.6 %, off). Recording is an increment, so millions of deliveries cost no memory; one instance per
/// thread (not thread-safe), merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int Exact = 2 * SubBuckets;
    /// <summary>Up to 2^(6+32) µs, far beyond any run.</summary>
    private const int Octaves = 32;

    private readonly long[] _counts = new long[Exact + Octaves * SubBuckets];

    public long Count { get; private set; }

    public void Record(long micros)
    {
        _counts[IndexOf(micros)]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
    }

    /// <summary>Nearest-rank percentile (<paramref name="p"/> in 0..100) in milliseconds: the middle of its bucket; NaN when empty.</summary>
    public double PercentileMs(double p)
    {
        if (Count == 0) return double.NaN;
        var rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Middle(i) / 1000.0;
        }
        return Middle(_counts.Length - 1) / 1000.0;
    }

    public static int IndexOf(long micros)
    {
        if (micros < Exact) return micros < 0 ? 0 : (int)micros;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)micros) - SubBucketBits;
        var index = Exact + (shift - 1) * SubBuckets + (int)((micros >> shift) - SubBuckets);
        return Math.Min(index, Exact + Octaves * SubBuckets - 1);
    }

    /// <summary>The smallest value of a bucket and its width.</summary>
    public static (long Lowest, long Width) BucketOf(int index)
    {
        if (index < Exact) return (index, 1);
        var shift = (index - Exact) / SubBuckets + 1;
        var mantissa = (index - Exact) % SubBuckets + SubBuckets;
        return ((long)mantissa << shift, 1L << shift);
    }

    private static double Middle(int index)
    {
        var (lowest, width) = BucketOf(index);
        return lowest + (width - 1) / 2.0;
    }
}
