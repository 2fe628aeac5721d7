using System.Globalization;

namespace Broadcaster.Bench;

/// <summary>Command-line settings of the benchmark.</summary>
public sealed record BenchOptions
{
    public const string Usage =
        "usage: Broadcaster.Bench [--clients N] [--events M] [--runs R] [--scenario all|fanout|latency|cluster]\n" +
        "                         [--latency-clients N] [--senders S]\n" +
        "  --clients N          fan-out subscribers (default 1000)\n" +
        "  --events M           events per run, fan-out and latency (default 200)\n" +
        "  --runs R             measured runs per figure, after one discarded warm-up run (default 5)\n" +
        "  --scenario S         all (default), fanout, latency or cluster\n" +
        "  --latency-clients N  subscribers in the latency and cluster scenarios (default 100)\n" +
        "  --senders S          concurrent HTTP senders in the fan-out scenario (default 4)";

    public int Clients { get; init; } = 1000;
    public int LatencyClients { get; init; } = 100;
    public int Events { get; init; } = 200;
    public int Runs { get; init; } = 5;
    public int Senders { get; init; } = 4;
    public string Scenario { get; init; } = "all";

    public bool Includes(string scenario) => Scenario == "all" || Scenario == scenario;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a readable message when they are wrong.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help") throw new ArgumentException("");
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            options = name switch
            {
                "--clients" => options with { Clients = Positive(name, value) },
                "--latency-clients" => options with { LatencyClients = Positive(name, value) },
                "--events" => options with { Events = Positive(name, value) },
                "--runs" => options with { Runs = Positive(name, value) },
                "--senders" => options with { Senders = Positive(name, value) },
                "--scenario" when value is "all" or "fanout" or "latency" or "cluster" => options with { Scenario = value },
                "--scenario" => throw new ArgumentException($"--scenario: unknown scenario '{value}'"),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: expected a positive integer, got '{value}'");
}
