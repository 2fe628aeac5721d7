using System.Runtime.InteropServices;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// Every socket is a file descriptor. Shells and supervisors often start processes with a soft limit of 1,024;
/// the node raises its soft limit to the hard limit at start, so the only ceiling is the one the operator set
/// (<c>ulimit -n</c>, supervisord <c>minfds</c>, Docker <c>ulimits</c>).
/// </summary>
public static class FileDescriptorLimit
{
    private const int RlimitNofile = 7; // Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out Rlimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref Rlimit limit);

    /// <summary>Raises the soft limit to the hard limit. Returns (before, after), or null where this is not Linux.</summary>
    public static (ulong Before, ulong After)? Raise()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            if (getrlimit(RlimitNofile, out var limit) != 0) return null;
            var before = limit.Current;
            if (limit.Current < limit.Maximum)
            {
                var raised = limit with { Current = limit.Maximum };
                if (setrlimit(RlimitNofile, ref raised) == 0) limit = raised;
            }
            return (before, limit.Current);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
