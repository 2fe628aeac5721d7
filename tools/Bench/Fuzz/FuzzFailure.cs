using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Fuzz;

/// <summary>A case the node answered wrongly: its number in the run, its seed, why, and the moves that did it.</summary>
public sealed record FuzzFailure(int Case, int Seed, string Reason, IReadOnlyList<FuzzMove> Moves)
{
    /// <summary>The report: what failed and the two commands that repeat the case alone (this tool and the fuzz test).</summary>
    public string Describe() =>
        $"fuzz case {Case} (seed {Seed}) failed: {Reason}\n" +
        $"  repeat it: Broadcaster.Bench --fuzz --seed {Seed} --cases 1\n" +
        $"         or: BROADCASTER_FUZZ_SEED={Seed} BROADCASTER_FUZZ_CASES=1 dotnet test tests/Node.Tests --filter WebSocketFuzz\n" +
        $"  moves:\n    {string.Join("\n    ", Moves)}";
}
