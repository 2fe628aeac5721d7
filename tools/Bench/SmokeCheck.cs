using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench;

/// <summary>What the CI smoke run asserts: nothing lost, duplicated or closed, no trigger refused. No speed is checked.</summary>
public static class SmokeCheck
{
    private static readonly string[] MustBeZero = ["lost", "duplicated", "closed by the server", "failed triggers"];

    public static IEnumerable<string> Failures(ResultSet results) =>
        results.Summaries()
            .Where(s => MustBeZero.Contains(s.Measure) && s.Values.Any(v => v != 0))
            .Select(s => $"{s.Scenario} {s.Server} {s.Case}: {s.Measure} = {string.Join(", ", s.Values)} (must be 0)");
}
