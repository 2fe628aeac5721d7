using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Broadcaster.Bench.Measure;

/// <summary>
/// A process as Linux reports it: CPU time from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime), resident memory
/// (VmRSS), its peak (VmHWM) and threads from <c>/proc/&lt;pid&gt;/status</c> (<see cref="ProcessStatus"/>). Read from
/// outside, so the baseline and our server are measured the same way.
/// </summary>
public readonly record struct ProcessSample(long Timestamp, double CpuSeconds, long RssBytes, long PeakRssBytes, int Threads)
{
    private const int ClockTicksName = 2; // _SC_CLK_TCK
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>Reads process <paramref name="pid"/>, or this process when null.</summary>
    public static ProcessSample Read(int? pid = null)
    {
        var dir = pid is { } id ? $"/proc/{id.ToString(CultureInfo.InvariantCulture)}" : "/proc/self";
        var stat = File.ReadAllText($"{dir}/stat");
        // The command name in parentheses may hold spaces; the fields after it are space-separated: state is the
        // first of them, utime the 12th and stime the 13th (fields 14 and 15 of proc(5)).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        var status = ProcessStatus.Read(dir);
        return new ProcessSample(Stopwatch.GetTimestamp(), ticks / TicksPerSecond, status.RssBytes, status.PeakRssBytes, status.Threads);
    }

    /// <summary>CPU used between <paramref name="earlier"/> and this sample, as a share of one core (1.0 = one core busy).</summary>
    public double CoresSince(ProcessSample earlier) =>
        (CpuSeconds - earlier.CpuSeconds) / Math.Max(1e-9, Stopwatch.GetElapsedTime(earlier.Timestamp, Timestamp).TotalSeconds);

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);

    private static double ClockTicks()
    {
        try
        {
            var ticks = SysConf(ClockTicksName);
            return ticks > 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }
}
