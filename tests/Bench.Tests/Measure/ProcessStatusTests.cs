using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Tests.Measure;

public class ProcessStatusTests
{
    [Fact]
    public void Resident_memory_its_peak_and_threads_are_read_from_proc_status()
    {
        const string status = """
            Name:	dotnet
            State:	S (sleeping)
            VmPeak:	53146496 kB
            VmHWM:	  230440 kB
            VmRSS:	  222904 kB
            RssAnon:	  150000 kB
            Threads:	23
            voluntary_ctxt_switches:	60
            """;

        Assert.Equal(new ProcessStatus(222_904 * 1024L, 230_440 * 1024L, 23), ProcessStatus.Parse(status));
    }

    [Fact]
    public void This_process_reads_as_itself()
    {
        var self = ProcessStatus.Read("/proc/self");
        Assert.True(self.RssBytes > 0 && self.PeakRssBytes >= self.RssBytes && self.Threads > 0);
    }
}
