using System.Globalization;

namespace Broadcaster.Bench.Measure;

/// <summary>The whole machine's CPU counters (first line of <c>/proc/stat</c>): shows when a figure was limited by the machine.</summary>
public readonly record struct MachineSample(long Busy, long Total)
{
    public static MachineSample Read()
    {
        var line = File.ReadLines("/proc/stat").First();
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal: idle and iowait are the not-busy ones.
        var total = values.Sum();
        return new MachineSample(total - values[3] - values[4], total);
    }

    /// <summary>Percentage of all cores busy between <paramref name="earlier"/> and this sample.</summary>
    public double BusyPercentSince(MachineSample earlier) =>
        Total == earlier.Total ? 0 : 100.0 * (Busy - earlier.Busy) / (Total - earlier.Total);
}
