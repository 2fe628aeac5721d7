using System.Diagnostics;
using System.Text.Json;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Scenarios;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// <c>--soak</c>: one node process under three loads at once for a bounded time (<see cref="SteadyFanout"/>,
/// <see cref="PresenceLoad"/>, <see cref="ConnectionWaves"/>), sampled every few seconds from outside and through its
/// <c>/metrics</c>. Then every client leaves and the node must hold nothing any more. A leak shows as a slope of
/// memory, threads or descriptors while the load stays the same; <see cref="SoakVerdict"/> decides.
/// </summary>
public static class SoakMode
{
    private static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(15);

    // After the last client has gone: the node's own clean-up (vacated channels, the presence replica) settles.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(int minutes, ScenarioContext context, TextWriter output)
    {
        var duration = TimeSpan.FromMinutes(minutes);
        var sizes = SoakSizes.Default;
        var app = BenchApp.Default;
        var cancel = context.Cancel;
        var interval = SoakSizes.SampleInterval(duration);
        var load = LoadAverage();
        context.Log($"soak: {minutes} min, {sizes.SteadySubscribers} steady subscribers at {sizes.SteadyEventsPerSecond} events/s, " +
                    $"{sizes.PresenceCyclesPerSecond} presence cycles/s, waves of {sizes.WaveClients} connections; a sample every {interval.TotalSeconds:0} s; " +
                    $"load average {load}");
        var process = await context.Launcher.StartNodeAsync(new NodeSettings
        {
            ActivityTimeout = sizes.ActivityTimeout,
            MaxPresenceMembers = Math.Max(sizes.PresenceWatchers + sizes.PresenceChurners, sizes.WavePresenceMembers) + 10,
        }, cancel);
        SoakOutcome outcome;
        try
        {
            var http = context.Http;
            // Before and after the run, the heap after a full collection: what the node keeps alive when idle.
            await FullCollection.RunAsync(process, http, cancel);
            var start = await SoakSample.TakeAsync(TimeSpan.Zero, process, http, cancel);
            var settings = ScenarioContext.ClientsOf(process);
            var events = (int)(sizes.SteadyEventsPerSecond * duration.TotalSeconds);
            using var steadyTrigger = new TriggerClient(process.Port, app);
            using var waveTrigger = new TriggerClient(process.Port, app);
            using var steady = await SteadyFanout.StartAsync(settings, steadyTrigger, sizes, events, cancel);
            using var presence = await PresenceLoad.StartAsync(settings, app, sizes, cancel);
            var waves = new ConnectionWaves(settings, app, waveTrigger, steady.Log, sizes, context);
            context.Log($"soak: {sizes.SteadySubscribers + sizes.PresenceWatchers + sizes.PresenceChurners} clients connected, the loads start");

            using var stop = new CancellationTokenSource(duration);
            var clock = Stopwatch.StartNew();
            var sampling = SampleAsync(process, http, clock, interval, duration, context, waves.Tally);
            var steadyRun = steady.RunAsync(stop.Token, cancel);
            var presenceRun = presence.RunAsync(duration, stop.Token, cancel);
            var live = new List<LiveHeapSample>();
            await Task.WhenAll(steadyRun, presenceRun, waves.RunAsync(async () =>
            {
                // After every wave (every 4 s or so): a full collection of a heap this small stops the node for some
                // milliseconds, and enough points make a slope that one odd collection does not move.
                var collected = await FullCollection.RunAsync(process, http, cancel);
                live.Add(new LiveHeapSample(clock.Elapsed, waves.Tally.Connections, collected.HeapAfterGcBytes));
            }, stop.Token));
            var samples = await sampling;
            context.Log("soak: the loads are over, every client leaves");

            steady.Dispose();
            presence.Dispose();
            var leftovers = await LeftoversAsync(process, steadyTrigger, context);
            // The HTTP API's connections go too (disposing twice is harmless), so that the last sample has no client of any kind.
            steadyTrigger.Dispose();
            waveTrigger.Dispose();
            await Task.Delay(Settle, cancel);
            await FullCollection.RunAsync(process, http, cancel);
            var end = await SoakSample.TakeAsync(clock.Elapsed, process, http, cancel);
            outcome = new SoakOutcome(duration, await steadyRun, waves.Tally, await presenceRun, start, samples, end, live, leftovers);
        }
        finally
        {
            await context.StopAsync("soak", process);
        }

        var limits = SoakLimits.For(duration);
        var failures = SoakVerdict.Failures(outcome, limits);
        output.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, Broadcaster.Bench --soak --minutes {minutes}, node {context.Launcher.NodeDll}; " +
                         $"{Environment.ProcessorCount} cores, load average (1, 5, 15 min) {load} at the start and {LoadAverage()} at the end");
        output.WriteLine();
        SoakReport.Write(outcome, limits, failures, output);
        foreach (var line in context.ServerProblems) output.WriteLine($"  the node logged: {line}");
        foreach (var failure in failures) Console.Error.WriteLine($"FAILED: soak: {failure}");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>A sample at 0 and every <paramref name="interval"/> until the run's end, each logged as it is taken.</summary>
    private static async Task<IReadOnlyList<SoakSample>> SampleAsync(ServerProcess process, HttpClient http, Stopwatch clock, TimeSpan interval,
        TimeSpan duration, ScenarioContext context, WaveTally waves)
    {
        var samples = new List<SoakSample>();
        for (var next = TimeSpan.Zero; next <= duration; next += interval)
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, context.Cancel);
            var sample = await SoakSample.TakeAsync(next, process, http, context.Cancel);
            samples.Add(sample);
            context.Log($"soak {next:m\\:ss}: RSS {sample.Process.RssBytes / 1048576.0:0.0} MiB, " +
                        $"heap after GC {sample.Metrics.HeapAfterGcBytes / 1048576.0:0.0} MiB, " +
                        $"{sample.Process.Threads} threads, {sample.OpenFds} fds ({sample.FdsBeyondSockets} beyond {sample.Metrics.Connected} sockets), " +
                        $"{sample.Metrics.Channels} channels, gen2 GCs {sample.Metrics.Gen2}; {waves.Waves} waves so far");
        }
        return samples;
    }

    /// <summary>What the node still holds once every client has left, polled until nothing or a limit; and the HTTP API's channel list.</summary>
    private static async Task<IReadOnlyList<string>> LeftoversAsync(ServerProcess process, TriggerClient api, ScenarioContext context)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(LeftoverWait.TotalSeconds * Stopwatch.Frequency);
        List<string> left;
        while (true)
        {
            left = (await MetricsSample.ScrapeAsync(context.Http, process, context.Cancel)).Leftovers().ToList();
            if (left.Count == 0 || Stopwatch.GetTimestamp() > deadline) break;
            await Task.Delay(100, context.Cancel);
        }
        using var listed = JsonDocument.Parse(await api.GetAsync("channels", context.Cancel));
        var channels = listed.RootElement.GetProperty("channels").EnumerateObject().Select(c => c.Name).ToList();
        if (channels.Count > 0) left.Add($"the HTTP API lists {channels.Count} channels ({string.Join(", ", channels.Take(5))})");
        return left;
    }

    private static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
