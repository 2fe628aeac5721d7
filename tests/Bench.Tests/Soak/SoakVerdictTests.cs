using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;
using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench.Tests.Soak;

public class SoakVerdictTests
{
    private static readonly SoakLimits Limits = new(RssMiBPerMinute: 10, LiveHeapBytesPerConnection: 256, ThreadsPerMinute: 2, FdsPerMinute: 2, EndFdsOverRun: 10);

    private static SoakSample Sample(double minutes, double rssMiB, int threads = 20, int fds = 300, long sockets = 0) =>
        new(TimeSpan.FromMinutes(minutes), new ProcessSample(0, 0, (long)(rssMiB * 1048576), 0, threads), fds, new MetricsSample { Connected = sockets });

    /// <summary>The live heap after every wave (10 a minute, 200 connections each): flat, noisy, and one collection 2.6 MiB off.</summary>
    private static List<LiveHeapSample> LiveHeap(double bytesPerConnection) =>
        Enumerable.Range(0, 100).Select(w => new LiveHeapSample(TimeSpan.FromSeconds(6 * w), 200L * w,
            (long)(6.5 * 1048576 + bytesPerConnection * 200 * w + (w % 3) * 50_000 + (w == 97 ? 2_700_000 : 0)))).ToList();

    /// <summary>A clean 10-minute run: flat figures over the second half (samples every minute), nothing lost, nothing left.</summary>
    private static SoakOutcome Clean() => new(
        TimeSpan.FromMinutes(10),
        new SteadyOutcome(400, 12_000, 12_000, 0, new DeliveryTally(4_800_000, 0, 0, 0, 0, [new LatencyHistogram()])),
        new WaveTally { Waves = 120, Connections = 24_000, WaveExpected = 240_000, WaveReceived = 240_000, SteadyExpected = 1_000, SteadyReceived = 1_100 },
        new PresenceOutcome(10, 12_000, 240_000, 240_000, 0, 0),
        Sample(0, 110, fds: 283),
        Enumerable.Range(0, 11).Select(m => Sample(m, 200 + (m % 2 == 0 ? 3 : -3), fds: 950, sockets: 650)).ToList(),
        Sample(10.5, 200, fds: 290),
        LiveHeap(0),
        []);

    [Fact]
    public void A_clean_run_passes()
    {
        Assert.Empty(SoakVerdict.Failures(Clean(), Limits));
    }

    [Fact]
    public void One_lost_or_duplicated_delivery_anywhere_fails_the_run()
    {
        var clean = Clean();
        var lost = clean with { Steady = clean.Steady with { Tally = clean.Steady.Tally with { Lost = 1 } } };
        Assert.Contains("steady fan-out: deliveries lost: 1 (must be 0)", SoakVerdict.Failures(lost, Limits));

        var waves = new WaveTally { Waves = 120, SteadyDuplicated = 2 };
        Assert.Contains("connection churn: steady deliveries duplicated: 2 (must be 0)", SoakVerdict.Failures(clean with { Waves = waves }, Limits));

        var missing = clean with { Presence = clean.Presence with { MemberEvents = 239_999 } };
        Assert.Contains("presence churn: member events missing at the watchers: 1 (must be 0)", SoakVerdict.Failures(missing, Limits));
    }

    [Fact]
    public void Something_left_at_the_end_or_descriptors_not_given_back_fail_the_run()
    {
        var clean = Clean();
        Assert.Contains("left at the end: 3 channels (expected 0)", SoakVerdict.Failures(clean with { Leftovers = ["3 channels (expected 0)"] }, Limits));

        // The run held 300 descriptors besides its 650 sockets; with every client gone, 311 means sockets not closed.
        Assert.Empty(SoakVerdict.Failures(clean with { End = Sample(10.5, 200, fds: 310) }, Limits));
        var failures = SoakVerdict.Failures(clean with { End = Sample(10.5, 200, fds: 311) }, Limits);
        Assert.Contains("open descriptors at the end: 311, 11 more than the run's besides its sockets (at most 10)", failures);
    }

    [Fact]
    public void A_slope_over_its_bound_fails_and_growth_in_the_first_half_does_not()
    {
        var clean = Clean();
        // Memory climbing fast while the first half warms up, flat after: no leak.
        var warming = clean with { Samples = Enumerable.Range(0, 11).Select(m => Sample(m, m < 5 ? 110 + 20 * m : 210, fds: 950, sockets: 650)).ToList() };
        Assert.Empty(SoakVerdict.Failures(warming, Limits));

        // 12 MiB a minute over the second half, and a thread a minute more than allowed.
        var leaking = clean with { Samples = Enumerable.Range(0, 11).Select(m => Sample(m, 200 + 12 * m, threads: 20 + 3 * m, fds: 950, sockets: 650)).ToList() };
        var failures = SoakVerdict.Failures(leaking, Limits);
        Assert.Contains(failures, f => f.StartsWith("resident memory grew +12.00 MiB/min", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("threads grew +3.00/min", StringComparison.Ordinal));
        Assert.Equal(2, failures.Count);
    }

    [Fact]
    public void A_few_hundred_bytes_kept_per_connection_fail_the_run()
    {
        var failures = SoakVerdict.Failures(Clean() with { LiveHeap = LiveHeap(300) }, Limits);

        var failure = Assert.Single(failures);
        Assert.StartsWith("live heap (after the full collections between waves) grew +300.00 bytes per wave connection", failure);
    }

    [Fact]
    public void Descriptors_are_judged_beyond_the_sockets_the_waves_open_and_close()
    {
        var clean = Clean();
        // The waves make the descriptor count jump by 200 from one sample to the next: not a leak.
        var jumping = clean with { Samples = Enumerable.Range(0, 11).Select(m => Sample(m, 200, fds: m % 2 == 0 ? 950 : 750, sockets: m % 2 == 0 ? 650 : 450)).ToList() };
        Assert.Empty(SoakVerdict.Failures(jumping, Limits));

        var leaking = clean with { Samples = Enumerable.Range(0, 11).Select(m => Sample(m, 200, fds: 950 + 5 * m, sockets: 650)).ToList() };
        Assert.Contains(SoakVerdict.Failures(leaking, Limits), f => f.StartsWith("descriptors beyond sockets grew +5.00/min", StringComparison.Ordinal));
    }

    [Fact]
    public void A_run_without_enough_samples_for_a_slope_says_so()
    {
        var clean = Clean();
        var failures = SoakVerdict.Failures(clean with { Samples = [Sample(0, 200), Sample(10, 200)] }, Limits);
        Assert.Contains("resident memory: too few samples in the second half of the run for a slope", failures);
    }
}
