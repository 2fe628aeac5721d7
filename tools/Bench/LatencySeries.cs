namespace Broadcaster.Bench;

/// <summary>The per-run percentiles of a series of latency runs, turned into table rows.</summary>
public sealed class LatencySeries(string scenario)
{
    private readonly List<LatencyStats> _runs = [];

    public void Add(LatencyStats stats) => _runs.Add(stats);

    /// <summary>Adds p50, p90 and p99 rows, each compared with the matching row of <paramref name="baseline"/> when given.</summary>
    public IReadOnlyList<ResultRow> AddRows(ResultTable table, IReadOnlyList<ResultRow>? baseline = null) =>
    [
        table.Add(new ResultRow(scenario, "latency p50", "ms", _runs.Select(r => r.P50).ToList(), baseline?[0])),
        table.Add(new ResultRow(scenario, "latency p90", "ms", _runs.Select(r => r.P90).ToList(), baseline?[1])),
        table.Add(new ResultRow(scenario, "latency p99", "ms", _runs.Select(r => r.P99).ToList(), baseline?[2])),
    ];

    public static string Describe(LatencyStats s) =>
        $"p50 {s.P50:0.00} ms, p90 {s.P90:0.00} ms, p99 {s.P99:0.00} ms, max {s.Max:0.00} ms ({s.Samples} deliveries)";
}
