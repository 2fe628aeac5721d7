using System.Diagnostics;
using System.Globalization;
using Broadcaster.Bench.Baseline;
using Broadcaster.Bench.Fuzz;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Scenarios;
using Broadcaster.Bench.Servers;
using Broadcaster.Bench.Soak;

namespace Broadcaster.Bench;

/// <summary>
/// Measures our server and a raw baseline server, each started fresh as a process for every run, with the same
/// load generator over real sockets on 127.0.0.x; with <c>--soak</c> or <c>--fuzz</c>, runs one node for a long time
/// under steady load or hostile clients; or, with <c>baseline --port P</c>, is that baseline server.
/// </summary>
public static class Program
{
    /// <summary>The whole benchmark gives up after this long, whatever the arguments.</summary>
    private static readonly TimeSpan OverallTimeout = TimeSpan.FromHours(3);

    public static async Task<int> Main(string[] args)
    {
        if (args is ["baseline", "--port", var port] && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            return await BaselineServer.RunAsync(p);

        BenchOptions options;
        ServerLauncher launcher;
        try
        {
            options = BenchOptions.Parse(args);
            launcher = ServerLauncher.Locate(options.NodeDll);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            if (e.Message.Length > 0) Console.Error.WriteLine(e.Message);
            if (e is ArgumentException) Console.Error.WriteLine(BenchOptions.Usage);
            return e.Message.Length > 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource(OverallTimeout);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var log = Console.Error;
        using var context = new ScenarioContext(options.Sizes, launcher, log, cancel.Token);
        if (options.Fuzz) return await FuzzMode.RunAsync(options.Cases, options.Seed, options.Parallel, context, Console.Out);
        if (options.Soak) return await SoakMode.RunAsync(options.Minutes, context, Console.Out);
        var loadAtStart = LoadAverage();
        context.Log($"Broadcaster benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, node {launcher.NodeDll}, " +
                    $"runs={options.Runs}, scenarios={string.Join(",", options.Scenarios)}{(options.Quick ? ", quick" : "")}" +
                    $"{(options.Smoke ? ", smoke" : "")}, load average {loadAtStart}");
        var results = new ResultSet();
        var failures = new List<string>();
        var total = Stopwatch.StartNew();
        foreach (var scenario in Create(options))
        {
            results.Declare(scenario.Name, scenario.Servers, scenario.Reference);
            for (var run = 1; run <= options.Runs && !cancel.IsCancellationRequested; run++)
            {
                var watch = Stopwatch.StartNew();
                try
                {
                    results.Add(scenario.Name, await scenario.RunOnceAsync(run, context));
                    context.Log($"{scenario.Name}: run {run} done in {watch.Elapsed.TotalSeconds:0}s");
                }
                catch (Exception e)
                {
                    failures.Add($"{scenario.Name} run {run}: {e.GetType().Name}: {e.Message}");
                    context.Log($"{scenario.Name}: run {run} FAILED after {watch.Elapsed.TotalSeconds:0}s: {e}");
                }
            }
        }

        var output = Console.Out;
        ResultWriter.WriteJsonLines(results, output);
        if (options.JsonFile is { } file)
        {
            await using var json = File.CreateText(file);
            ResultWriter.WriteJsonLines(results, json);
        }
        output.WriteLine();
        output.WriteLine($"{DateTime.Now:yyyy-MM-dd HH:mm}, Broadcaster.Bench {string.Join(" ", args)}: medians of {options.Runs} run(s), " +
                         $"(min-max) beside them; ratios are medians over the reference server's; {Environment.ProcessorCount} cores, " +
                         $"load average (1, 5, 15 min) {loadAtStart} at the start and {LoadAverage()} at the end; {total.Elapsed.TotalMinutes:0} min.");
        ResultWriter.WriteTable(results, output);
        var problems = context.ServerProblems;
        if (problems.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Warnings and errors the servers logged (first lines of each server):");
            foreach (var line in problems) output.WriteLine($"  {line}");
        }
        if (options.Smoke) failures.AddRange(SmokeCheck.Failures(results));
        foreach (var failure in failures) Console.Error.WriteLine($"FAILED: {failure}");
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The machine is shared: how busy it was says how far the figures can be trusted.</summary>
    private static string LoadAverage() => string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static IEnumerable<IScenario> Create(BenchOptions options)
    {
        var sizes = options.Sizes;
        foreach (var name in options.Scenarios)
        {
            yield return name switch
            {
                "fanout" => FanoutScenario.Fanout(sizes),
                "channels" => FanoutScenario.Channels(sizes),
                "idle" => new IdleScenario(),
                "connect" => new ConnectScenario(),
                "presence" => new PresenceScenario(),
                "slow" => new SlowScenario(),
                "cluster" => new ClusterScenario(),
                "dashboard" => new DashboardScenario(),
                _ => throw new InvalidOperationException($"scenario {name} is not implemented"),
            };
        }
    }
}
