namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// How long a fuzz test runs and from which seed: a short run by default, <c>BROADCASTER_FUZZ_CASES</c> and
/// <c>BROADCASTER_FUZZ_SEED</c> for a long run or to repeat one case. Case <c>i</c> uses seed <c>Seed + i</c>.
/// </summary>
public static class FuzzRun
{
    public static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("BROADCASTER_FUZZ_SEED"), out var s) ? s : 20261201;

    public static int Cases(int byDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("BROADCASTER_FUZZ_CASES"), out var n) ? n : byDefault;

    /// <summary>The failure of one case, naming the seed and the settings that repeat it.</summary>
    public static Exception Failed(int seed, Exception e, string what) => new Xunit.Sdk.XunitException(
        $"Fuzz case with seed {seed} failed (BROADCASTER_FUZZ_SEED={seed} BROADCASTER_FUZZ_CASES=1 repeats it): {e.Message}\n  {what}");
}
