using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Scenarios;
using Broadcaster.Bench.Servers;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Fuzz;

/// <summary>
/// <c>--fuzz</c>: the fuzz test's hostile clients (<see cref="PusherFrameFuzzer"/>, one connection per case, case i
/// from seed S + i) against a node process, many more cases than the test suite runs, a few at a time. The checks
/// are the test's: every frame the node answers with follows <see cref="ServerFrameRules"/>, a client subscribed
/// beside them receives the event triggered after every case, and at the end no connection, channel or
/// subscription is left but that client's. A failure names the case and its seed, and how to repeat it alone.
/// </summary>
public static class FuzzMode
{
    /// <summary>The fuzz test's app: the generator's auth strings carry its key.</summary>
    public static readonly BenchApp App = new("app-id", "app-key", "app-secret");

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BystanderWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(int cases, int seed, int parallel, ScenarioContext context, TextWriter output)
    {
        var cancel = context.Cancel;
        context.Log($"fuzz: {cases:#,0} cases, seeds {seed} to {unchecked(seed + cases - 1)} (case i uses seed {seed} + i), {parallel} at a time");
        var failures = new ConcurrentQueue<FuzzFailure>();
        var tally = new FuzzTally();
        var watch = Stopwatch.StartNew();
        var bystander = new Bystander();
        IReadOnlyList<string> leftovers = [];
        var process = await context.Launcher.StartNodeAsync(new NodeSettings { App = App, EnableClientMessages = true }, cancel);
        try
        {
            var settings = new ClientSettings(new IPEndPoint(IPAddress.Loopback, process.Port), App.Key);
            var watcher = await ClientSocket.ConnectAsync(settings, 0, 0, bystander, cancel);
            try
            {
                await watcher.SubscribeAsync(Bystander.Channel, BystanderWait);
                using var trigger = new TriggerClient(process.Port, App);
                using var stopProgress = new CancellationTokenSource();
                var progress = ReportProgressAsync(tally, cases, watch, context, stopProgress.Token);
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, cases)).Select(async _ =>
                {
                    int i;
                    while (failures.IsEmpty && (i = Interlocked.Increment(ref next)) < cases)
                    {
                        var caseSeed = unchecked(seed + i);
                        var moves = new PusherFrameFuzzer(caseSeed).NextCase();
                        var reason = await RunCaseAsync(settings, i, moves, tally, cancel) ?? await CheckBystanderAsync(bystander, trigger, i, cancel);
                        if (reason is not null) failures.Enqueue(new FuzzFailure(i, caseSeed, reason, moves));
                    }
                }));
                await stopProgress.CancelAsync();
                await progress;
                leftovers = await LeftoversAsync(context, process);
            }
            finally
            {
                watcher.Abort();
            }
        }
        finally
        {
            await context.StopAsync("fuzz", process);
        }

        output.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, Broadcaster.Bench --fuzz --cases {cases} --seed {seed} --parallel {parallel}, " +
                         $"node {context.Launcher.NodeDll}");
        output.WriteLine($"  {tally.Cases:#,0} cases (seeds {seed} to {unchecked(seed + (int)tally.Cases - 1)}) in {watch.Elapsed.TotalMinutes:0.0} min, " +
                         $"{tally.Cases / watch.Elapsed.TotalSeconds:0.0} cases/s");
        output.WriteLine($"  {tally.Moves:#,0} moves sent ({tally.Bytes / 1048576.0:#,0.0} MiB), {tally.Frames:#,0} frames from the node checked");
        foreach (var line in tally.Describe()) output.WriteLine($"  {line}");
        output.WriteLine($"  bystander: {tally.Cases:#,0} events triggered after the cases, duplicated {bystander.Duplicates}, " +
                         $"closed {(bystander.CloseCode == 0 ? "no" : bystander.CloseCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        output.WriteLine($"  left at the end besides the bystander: {(leftovers.Count == 0 ? "nothing" : string.Join(", ", leftovers))}");
        var problems = failures.Select(f => f.Describe()).Concat(leftovers.Select(l => $"left over at the end: {l}")).ToList();
        if (bystander.Duplicates > 0) problems.Add($"the bystander received {bystander.Duplicates} events twice");
        output.WriteLine($"  failures: {problems.Count}");
        foreach (var problem in problems) Console.Error.WriteLine($"FAILED: {problem}");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>One case on a connection of its own; null when every frame the node answered with is one it may send.</summary>
    private static async Task<string?> RunCaseAsync(ClientSettings settings, int index, IReadOnlyList<FuzzMove> moves, FuzzTally tally, CancellationToken cancel)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(CaseLimit);
        try
        {
            await using var client = await FuzzClient.ConnectAsync(settings, index, limit.Token);
            if (await client.ExpectEstablishedAsync(limit.Token) is { } notEstablished) return notEstablished;
            foreach (var move in moves)
            {
                try
                {
                    await client.WriteAsync(move.Bytes, limit.Token);
                    tally.Sent(move);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !limit.IsCancellationRequested)
                {
                    // The node closed the connection already: what is left is not sent, what it answered is still read.
                    break;
                }
            }
            var frames = await client.DrainAsync(Quiet, limit.Token);
            tally.Answered(frames);
            return frames.Select(f => f.Violation is { } violation ? $"{violation}: {f}" : null).FirstOrDefault(v => v is not null);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            return limit.IsCancellationRequested ? $"the case did not end within {CaseLimit.TotalSeconds:0} s" : $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The event triggered after case <paramref name="index"/> reaches the bystander; null when it does.</summary>
    private static async Task<string?> CheckBystanderAsync(Bystander bystander, TriggerClient trigger, int index, CancellationToken cancel)
    {
        var arrived = bystander.Expect(index);
        if (!await trigger.TriggerAsync(Bystander.Channel, BenchPayload.Build(1, index, Stopwatch.GetTimestamp(), 32), cancel))
            return $"the trigger after the case was refused: {trigger.FirstError}";
        try
        {
            await arrived.WaitAsync(BystanderWait, cancel);
            return null;
        }
        catch (TimeoutException)
        {
            return bystander.CloseCode != 0
                ? $"the bystander was closed ({bystander.CloseCode})"
                : $"the bystander did not receive the event triggered after the case within {BystanderWait.TotalSeconds:0} s";
        }
    }

    /// <summary>What the node still holds once the cases are over, besides the bystander and its channel (polled until nothing or a limit).</summary>
    private static async Task<IReadOnlyList<string>> LeftoversAsync(ScenarioContext context, ServerProcess process)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(LeftoverWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var sample = await MetricsSample.ScrapeAsync(context.Http, process, context.Cancel);
            var left = sample.Leftovers(expectedConnections: 1, expectedChannels: 1, expectedSubscriptions: 1).ToList();
            if (left.Count == 0 || Stopwatch.GetTimestamp() > deadline) return left;
            await Task.Delay(100, context.Cancel);
        }
    }

    private static async Task ReportProgressAsync(FuzzTally tally, int cases, Stopwatch watch, ScenarioContext context, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, stop);
                context.Log($"fuzz: {tally.Cases:#,0} of {cases:#,0} cases, {tally.Frames:#,0} frames checked, " +
                            $"{tally.Cases / watch.Elapsed.TotalSeconds:0.0} cases/s");
            }
        }
        catch (OperationCanceledException)
        {
            // The cases are over.
        }
    }
}
