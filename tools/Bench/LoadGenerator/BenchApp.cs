namespace Broadcaster.Bench.LoadGenerator;

/// <summary>The one app both servers serve in the benchmark.</summary>
public sealed record BenchApp(string Id, string Key, string Secret)
{
    public static readonly BenchApp Default = new("bench-id", "bench-key", "bench-secret");
}
