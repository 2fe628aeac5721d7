using System.Globalization;

namespace Broadcaster.Bench;

/// <summary>Command-line settings of the benchmark.</summary>
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> AllScenarios = ["fanout", "channels", "idle", "connect", "presence", "slow", "cluster", "dashboard"];

    /// <summary>The first seed of a fuzz run when none is given: the fuzz test's, so both start with the same cases.</summary>
    public const int DefaultFuzzSeed = 20261201;

    public const string Usage =
        "usage: Broadcaster.Bench [--runs N] [--scenario S[,S...]] [--quick] [--smoke] [--node PATH] [--json FILE]\n" +
        "       Broadcaster.Bench --soak [--minutes N] [--node PATH]\n" +
        "       Broadcaster.Bench --fuzz [--cases N] [--seed S] [--parallel N] [--node PATH]\n" +
        "       Broadcaster.Bench baseline --port P\n" +
        "  --runs N        runs of every scenario; figures are medians with min and max (default 3)\n" +
        "  --scenario S    fanout, channels, idle, connect, presence, slow, cluster, dashboard, or all (default)\n" +
        "  --quick         shorter phases and windows (3 s load steps, 10 s idle windows), for a first look\n" +
        "  --smoke         a few seconds of fanout and idle with small numbers, one run; exits 1 if anything was\n" +
        "                  lost, duplicated or closed (no speed checks): the CI step\n" +
        "  --soak          steady fan-out, presence churn and connection churn together on one node for --minutes,\n" +
        "                  its memory, threads, handles and GCs sampled over time; exits 1 if anything was lost or\n" +
        "                  duplicated, something is left over at the end, or a slope says leak\n" +
        "  --minutes N     how long the soak runs (default 5)\n" +
        "  --fuzz          the seeded WebSocket fuzzer of the test suite against a node process, --cases cases;\n" +
        "                  exits 1 on the first case the node answers wrongly, naming its seed\n" +
        "  --cases N       fuzz cases (default 5000); case i uses seed S + i\n" +
        "  --seed S        the first case's seed (default 20261201, the fuzz test's)\n" +
        "  --parallel N    fuzz cases under way at a time (default 8)\n" +
        "  --node PATH     Broadcaster.Node.dll to measure (default: the build of this configuration in src/Node)\n" +
        "  --json FILE     also write the JSON lines to FILE\n" +
        "  baseline        run the raw baseline server on 127.0.0.1:P (the benchmark starts it itself)";

    /// <summary>What each mode takes besides itself; without a mode, the benchmark takes <see cref="MeasureOptions"/>.</summary>
    private static readonly Dictionary<string, string[]> OptionsOf = new()
    {
        ["--smoke"] = ["--node", "--json"],
        ["--soak"] = ["--minutes", "--node"],
        ["--fuzz"] = ["--cases", "--seed", "--parallel", "--node"],
    };

    private static readonly string[] MeasureOptions = ["--runs", "--scenario", "--quick", "--node", "--json"];

    public int Runs { get; init; } = 3;
    public IReadOnlyList<string> Scenarios { get; init; } = AllScenarios;
    public bool Quick { get; init; }
    public bool Smoke { get; init; }
    public string? NodeDll { get; init; }
    public string? JsonFile { get; init; }
    public bool Soak { get; init; }
    public int Minutes { get; init; } = 5;
    public bool Fuzz { get; init; }
    public int Cases { get; init; } = 5_000;
    public int Seed { get; init; } = DefaultFuzzSeed;
    public int Parallel { get; init; } = 8;

    public BenchSizes Sizes => Smoke ? BenchSizes.Smoke : Quick ? BenchSizes.Quick : BenchSizes.Full;

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with a readable message when they are wrong.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var given = new HashSet<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            given.Add(name);
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
                case "--soak":
                    options = options with { Soak = true };
                    continue;
                case "--fuzz":
                    options = options with { Fuzz = true };
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
                    options = options with { Scenarios = ScenarioList(value) };
                    break;
                case "--node":
                    options = options with { NodeDll = Path.GetFullPath(value) };
                    break;
                case "--json":
                    options = options with { JsonFile = value };
                    break;
                case "--minutes":
                    options = options with { Minutes = Positive(name, value) };
                    break;
                case "--cases":
                    options = options with { Cases = Positive(name, value) };
                    break;
                case "--seed":
                    options = options with { Seed = Integer(name, value) };
                    break;
                case "--parallel":
                    options = options with { Parallel = Positive(name, value) };
                    break;
                default:
                    throw new ArgumentException($"unknown option {name}");
            }
        }
        var modes = OptionsOf.Keys.Where(given.Contains).ToList();
        if (modes.Count > 1) throw new ArgumentException($"{string.Join(" and ", modes)} are separate modes: give one");
        var mode = modes.SingleOrDefault();
        var allowed = mode is null ? MeasureOptions : OptionsOf[mode];
        foreach (var option in given.Where(o => o != mode && !allowed.Contains(o)))
            throw new ArgumentException(mode is not null
                ? $"{mode} takes no {option}"
                : $"{option} goes with {string.Join(" or ", OptionsOf.Where(m => m.Value.Contains(option)).Select(m => m.Key))}");
        if (options.Smoke) options = options with { Runs = 1, Scenarios = ["fanout", "idle"] };
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

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{name}: expected an integer, got '{value}'");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name}: expected a positive integer, got '{value}'");
}
