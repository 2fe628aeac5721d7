using System.Globalization;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// The soak's output (the tool runs with the invariant culture): a Markdown table of the node over time, the slopes
/// with their bounds, the accounting and the verdict.
/// </summary>
public static class SoakReport
{
    private const double MiB = 1024 * 1024;

    public static void Write(SoakOutcome o, SoakLimits limits, IReadOnlyList<string> failures, TextWriter output)
    {
        output.WriteLine("The node over time (before: no client yet; after: every client gone; CPU: % of one core since the row above; " +
                         "heap after GC: after the last collection, a full one before and after):");
        output.WriteLine();
        output.WriteLine("| t | RSS MiB | heap MiB | heap after GC MiB | threads | fds | fds beyond sockets | sockets | channels | " +
                         "presence members | GCs gen0 / gen1 / gen2 | node CPU |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        SoakSample? previous = null;
        foreach (var (label, sample) in Rows(o))
        {
            var cpu = previous is null ? "" : $"{sample.Process.CoresSince(previous.Process) * 100:0}%";
            var m = sample.Metrics;
            output.WriteLine($"| {label} | {sample.Process.RssBytes / MiB:0.0} | {m.ManagedHeapBytes / MiB:0.0} | {m.HeapAfterGcBytes / MiB:0.0} | " +
                      $"{sample.Process.Threads} | {sample.OpenFds} | {sample.FdsBeyondSockets} | {m.Connected} | {m.Channels} | {m.PresenceMembers} | " +
                      $"{m.Gen0} / {m.Gen1} / {m.Gen2} | {cpu} |");
            previous = sample;
        }
        output.WriteLine();

        var half = o.SecondHalf;
        var slopes = o.Slopes;
        output.WriteLine($"Slopes over the second half of the run (from {Clock(o.Duration / 2)}; the median of the slopes between every two samples):");
        output.WriteLine($"  {half.Count} samples: resident memory {slopes.RssMiB:+0.00;-0.00} MiB/min (at most {limits.RssMiBPerMinute}), " +
                         $"threads {slopes.Threads:+0.00;-0.00}/min (at most {limits.ThreadsPerMinute}), descriptors beyond sockets " +
                         $"{slopes.FdsBeyondSockets:+0.00;-0.00}/min (at most {limits.FdsPerMinute})");
        output.WriteLine($"  {o.LiveHeapSecondHalf.Count} full collections between waves: live heap {slopes.LiveHeapMiB:+0.00;-0.00} MiB/min, " +
                         $"{slopes.LiveHeapBytesPerConnection:+0;-0} bytes per wave connection (at most {limits.LiveHeapBytesPerConnection})");
        output.WriteLine($"  live heap: {LiveHeapSeries(o.LiveHeap)} MiB; before the run {o.Start.Metrics.HeapAfterGcBytes / MiB:0.00} MiB, " +
                         $"after it {o.End.Metrics.HeapAfterGcBytes / MiB:0.00} MiB");
        output.WriteLine($"  after the run: {o.End.OpenFds} descriptors ({o.End.OpenFds - o.RunFdsBeyondSockets:+0;-0} on the run's {o.RunFdsBeyondSockets:0} " +
                         $"besides its sockets, at most +{limits.EndFdsOverRun}; {o.End.OpenFds - o.Start.OpenFds:+0;-0} on before the first client), " +
                  $"{o.End.Process.Threads} threads ({o.End.Process.Threads - o.Start.Process.Threads:+0;-0}), " +
                  $"RSS {o.End.Process.RssBytes / MiB:0} MiB ({(o.End.Process.RssBytes - o.Start.Process.RssBytes) / MiB:+0;-0})");
        output.WriteLine();

        var s = o.Steady;
        var latency = s.Tally.Latency();
        output.WriteLine($"Steady fan-out: {s.Subscribers} subscribers for the whole run, {s.Accepted:#,0} events accepted of {s.Triggered:#,0} triggered, " +
                  $"{s.Tally.Received:#,0} deliveries; lost {s.Tally.Lost}, duplicated {s.Tally.Duplicates}, subscribers closed {s.Tally.ClosedClients}, " +
                  $"triggers refused {s.FailedTriggers}; trigger to receive p50 {latency.PercentileMs(50):0.0} ms, p99 {latency.PercentileMs(99):0.0} ms");
        var c = o.Waves;
        output.WriteLine($"Connection churn: {c.Waves} waves, {c.Connections:#,0} connections ({c.PoliteLeaves:#,0} left unsubscribing then closing, " +
                  $"{c.Closes:#,0} closing, {c.Resets:#,0} with a reset); wave channels {c.WaveReceived:#,0} deliveries of {c.WaveExpected:#,0}, " +
                  $"lost {c.WaveLost}, duplicated {c.WaveDuplicated}; steady channel during their stays {c.SteadyReceived:#,0} deliveries, " +
                  $"{c.SteadyExpected:#,0} of them owed, missing {c.SteadyMissing}, duplicated {c.SteadyDuplicated}; closed by the node " +
                  $"{c.ClosedByServer}, closes unanswered {c.UnansweredCloses}, triggers refused {c.FailedTriggers}, waves failed {c.Errors}");
        var p = o.Presence;
        output.WriteLine($"Presence churn: {p.Cycles:#,0} join-and-leave cycles, {p.MemberEvents:#,0} member events at {p.Watchers} watchers of " +
                  $"{p.ExpectedMemberEvents:#,0} owed; stuck {p.StuckChurners}, closed by the node {p.ClosedByServer}");
        output.WriteLine("Left at the end: " + (o.Leftovers.Count == 0
            ? "nothing (sockets, channels, subscriptions, presence members all 0; the HTTP API lists no channel)"
            : string.Join(", ", o.Leftovers)));
        output.WriteLine();
        output.WriteLine(failures.Count == 0 ? "Verdict: passed" : $"Verdict: FAILED ({failures.Count})");
    }

    /// <summary>At most a dozen values of the series, evenly spread, the last one always.</summary>
    private static string LiveHeapSeries(IReadOnlyList<LiveHeapSample> live)
    {
        var step = Math.Max(1, (live.Count + 11) / 12);
        return string.Join(", ", live.Where((_, i) => i % step == 0 || i == live.Count - 1).Select(l => $"{Clock(l.Elapsed)} {l.Bytes / MiB:0.00}"));
    }

    private static IEnumerable<(string Label, SoakSample Sample)> Rows(SoakOutcome o) =>
        new[] { ("before", o.Start) }.Concat(o.Samples.Select(s => (Clock(s.Elapsed), s))).Append(("after", o.End));

    private static string Clock(TimeSpan t) => t.ToString(t.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
