using System.Diagnostics;

namespace Broadcaster.Bench;

/// <summary>
/// Benchmarks in-process nodes over real sockets on 127.0.0.1: fan-out throughput, trigger-to-receive latency and
/// the cost of crossing the cluster. Every scenario is bounded and stops by itself.
/// </summary>
public static class Program
{
    /// <summary>The whole benchmark gives up after this long, whatever the arguments.</summary>
    private static readonly TimeSpan OverallTimeout = TimeSpan.FromMinutes(20);

    public static async Task<int> Main(string[] args)
    {
        BenchOptions options;
        try
        {
            options = BenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            if (e.Message.Length > 0) Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchOptions.Usage);
            return e.Message.Length > 0 ? 2 : 0;
        }

        using var cancel = new CancellationTokenSource(OverallTimeout);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        var log = Console.Out;
        log.WriteLine($"Broadcaster benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                      $"server GC {System.Runtime.GCSettings.IsServerGC}, clients={options.Clients}, events={options.Events}, " +
                      $"runs={options.Runs} (+1 warm-up), scenario={options.Scenario}");
        var table = new ResultTable();
        var failed = false;
        (string Name, Func<BenchOptions, ResultTable, TextWriter, CancellationToken, Task> Run)[] scenarios =
        [
            ("fanout", FanoutScenario.RunAsync),
            ("latency", LatencyScenario.RunAsync),
            ("cluster", ClusterScenario.RunAsync),
        ];
        var total = Stopwatch.StartNew();
        foreach (var (name, run) in scenarios)
        {
            if (!options.Includes(name)) continue;
            var watch = Stopwatch.StartNew();
            try
            {
                await run(options, table, log, cancel.Token);
                log.WriteLine($"{name}: done in {watch.Elapsed.TotalSeconds:0.0}s");
            }
            catch (Exception e)
            {
                failed = true;
                Console.Error.WriteLine($"{name}: FAILED after {watch.Elapsed.TotalSeconds:0.0}s: {e}");
                if (cancel.IsCancellationRequested) break;
            }
        }

        log.WriteLine();
        log.WriteLine($"Medians of {options.Runs} runs after one warm-up run (min and max of those runs beside them); total {total.Elapsed.TotalSeconds:0}s.");
        table.Print(log);
        return failed ? 1 : 0;
    }
}
