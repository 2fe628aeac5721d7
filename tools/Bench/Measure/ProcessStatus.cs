using System.Globalization;

namespace Broadcaster.Bench.Measure;

/// <summary>
/// The lines of <c>/proc/&lt;pid&gt;/status</c> the benchmark reads: resident memory (VmRSS), its peak (VmHWM) and
/// the process's threads (Threads). Read from outside, so every server is measured the same way.
/// </summary>
public readonly record struct ProcessStatus(long RssBytes, long PeakRssBytes, int Threads)
{
    public static ProcessStatus Read(string procDir) => Parse(File.ReadAllText($"{procDir}/status"));

    public static ProcessStatus Parse(string status)
    {
        long rss = 0, peak = 0;
        var threads = 0;
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line) * 1024;
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line) * 1024;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
        }
        return new ProcessStatus(rss, peak, threads);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
