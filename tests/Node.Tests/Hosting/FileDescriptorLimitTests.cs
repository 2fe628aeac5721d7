using System.Globalization;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Hosting;

/// <summary>At start the node raises its open-files soft limit to the hard limit.</summary>
public sealed class FileDescriptorLimitTests
{
    /// <summary>(soft, hard) of "Max open files" in /proc/self/limits; "unlimited" is RLIM_INFINITY.</summary>
    private static (ulong Soft, ulong Hard) ProcLimits()
    {
        var line = File.ReadAllLines("/proc/self/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        static ulong Parse(string s) => s == "unlimited" ? ulong.MaxValue : ulong.Parse(s, CultureInfo.InvariantCulture);
        return (Parse(fields[0]), Parse(fields[1]));
    }

    [Fact]
    public void Raise_lifts_the_soft_limit_to_the_hard_limit_on_linux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(FileDescriptorLimit.Raise());
            return;
        }
        var (softBefore, hard) = ProcLimits();
        var result = FileDescriptorLimit.Raise();
        Assert.NotNull(result);
        var (before, after) = result.Value;
        Assert.True(after >= before, $"after {after} < before {before}");
        Assert.True(before >= softBefore, $"before {before} is below the soft limit {softBefore} read just earlier");
        Assert.Equal(hard, after);
        // The process now runs with it.
        Assert.Equal((hard, hard), ProcLimits());

        // Raising again changes nothing.
        Assert.Equal((hard, hard), FileDescriptorLimit.Raise());
    }
}
