using System.Diagnostics;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// Runs one <see cref="StreamPlan"/>: triggers at the offered rate through the HTTP API, then waits until every
/// open client has every accepted event (or nothing more arrives), and reads the servers' CPU and GCs around it.
/// </summary>
public static class StreamPhase
{
    // Long enough for the tail of a saturated machine (p99 latencies of seconds were seen): a delivery still under
    // way when the wait ends would count as lost.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<StreamOutcome> RunAsync(StreamPlan plan, DeliveryLedger ledger, IReadOnlyList<ClientSocket> clients,
        TriggerClient trigger, IReadOnlyList<ServerProcess> servers, ScenarioContext context, CancellationToken stop = default)
    {
        var cancel = context.Cancel;
        ledger.Begin(plan.Phase, plan.EventsPerChannel());
        var failedBefore = trigger.Failures;
        var gcBefore = await Task.WhenAll(servers.Select(context.ScrapeAsync));
        var cpuBefore = servers.Select(s => s.Sample()).ToArray();
        var self = ProcessSample.Read();
        var machine = MachineSample.Read();
        var started = Stopwatch.GetTimestamp();
        long accepted = 0;
        var triggered = await PacedSender.RunAsync(plan.Events, plan.EventsPerSecond, plan.MaxInFlight, async i =>
        {
            var channel = i % plan.Channels.Count;
            var seq = i / plan.Channels.Count;
            var data = BenchPayload.Build(plan.Phase, seq, Stopwatch.GetTimestamp(), plan.PayloadBytes);
            if (!await trigger.TriggerAsync(plan.Channels[channel], data, cancel)) return;
            ledger.Accepted(channel, seq);
            Interlocked.Increment(ref accepted);
        }, stop);
        var sendSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await ledger.WaitDrainedAsync(clients, Quiet, DrainLimit, cancel);
        var cpuAfter = servers.Select(s => s.Sample()).ToArray();
        var selfAfter = ProcessSample.Read();
        var machineAfter = MachineSample.Read();
        var gcAfter = await Task.WhenAll(servers.Select(context.ScrapeAsync));
        var tally = ledger.Tally(clients);
        var deliverySeconds = tally.LastReceivedAt > started ? (tally.LastReceivedAt - started) / (double)Stopwatch.Frequency : sendSeconds;
        if (trigger.FirstError is { } error && trigger.Failures > failedBefore) context.Log($"  trigger failures: {trigger.Failures - failedBefore}, first: {error}");
        return new StreamOutcome(tally, triggered, accepted, trigger.Failures - failedBefore, sendSeconds, deliverySeconds,
            cpuAfter.Select((s, i) => s.CpuSeconds - cpuBefore[i].CpuSeconds).ToList(),
            gcAfter.Select((g, i) => g.Since(gcBefore[i])).ToList(),
            selfAfter.CoresSince(self), machineAfter.BusyPercentSince(machine));
    }

    /// <summary>One line for the log.</summary>
    public static string Describe(StreamOutcome o)
    {
        var latency = o.Tally.Latency();
        return $"{o.DeliveredPerSecond:#,0} deliveries/s, {o.CpuMicrosPerDelivery:0.00} µs CPU each, p50 {latency.PercentileMs(50):0.00} ms, " +
               $"p99 {latency.PercentileMs(99):0.00} ms, lost {o.Tally.Lost}" +
               (o.Tally.Lost > 0 ? $" ({o.Tally.LostEvents} events, {o.Tally.LostClients} clients)" : "") +
               $", dup {o.Tally.Duplicates}, closed {o.Tally.ClosedClients}, " +
               $"load gen {o.LoadGeneratorCores * 100:0}% of a core, machine {o.MachineBusyPercent:0}% busy";
    }
}
