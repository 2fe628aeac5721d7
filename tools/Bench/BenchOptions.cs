using System.Globalization;

namespace Broadcaster.Bench;

/// <summary>Command-line settings of the benchmark.</summary>
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> AllScenarios = ["fanout", "channels", "idle", "connect", "presence", "slow", "cluster"];

    public const string Usage =
        "usage: Broadcaster.Bench [--runs N] [--scenario S[,S...]] [--quick] [--smoke] [--node PATH] [--json FILE]\n" +
        "       Broadcaster.Bench baseline --port P\n" +
        "  --runs N        runs of every scenario; figures are medians with min and max (default 3)\n" +
        "  --scenario S    fanout, channels, idle, connect, presence, slow, cluster, or all (default)\n" +
        "  --quick         shorter phases and windows (3 s load steps, 10 s idle windows), for a first look\n" +
        "  --smoke         a few seconds of fanout and idle with small numbers, one run; exits 1 if anything was\n" +
        "                  lost, duplicated or closed (no speed checks): the CI step\n" +
        "  --node PATH     Broadcaster.Node.dll to measure (default: the build of this configuration in src/Node)\n" +
        "  --json FILE     also write the JSON lines to FILE\n" +
        "  baseline        run the raw baseline server on 127.0.0.1:P (the benchmark starts it itself)";

    public int Runs { get; init; } = 3;
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;
    public bool Quick { get; init; }
    public bool Smoke { get; init; }
    public string? NodeDll { get; init; }
    public string? JsonFile { get; init; }

    public BenchSizes Sizes => Smoke ? BenchSizes.Smoke : Quick ? BenchSizes.Quick : BenchSizes.Full;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a readable message when they are wrong.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var scenariosGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "-h" or "--help":
                    throw new ArgumentException("");
                case "--quick":
                    options = options with { Quick = true };
                    continue;
                case "--smoke":
                    options = options with { Smoke = true };
                    continue;
            }
            if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value");
            var value = args[++i];
            switch (name)
            {
                case "--runs":
                    options = options with { Runs = Positive(name, value) };
                    break;
                case "--scenario":
                    scenariosGiven = true;
                    options = options with { Scenarios = ScenarioList(value) };
                    break;
                case "--node":
                    options = options with { NodeDll = Path.GetFullPath(value) };
                    break;
                case "--json":
                    options = options with { JsonFile = value };
                    break;
                default:
                    throw new ArgumentException($"unknown option {name}");
            }
        }
        if (options.Smoke)
        {
            if (scenariosGiven) throw new ArgumentException("--smoke runs fanout and idle; it takes no --scenario");
            options = options with { Runs = 1, Scenarios = ["fanout", "idle"] };
        }
        return options;
    }

    private static IReadOnlyList<string> ScenarioList(string value)
    {
        if (value == "all") return AllScenarios;
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var n in names)
            if (!AllScenarios.Contains(n)) throw new ArgumentException($"--scenario: unknown scenario '{n}' ({string.Join(", ", AllScenarios)})");
        return AllScenarios.Where(names.Contains).ToList();
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: expected a positive integer, got '{value}'");
}
