using System.Globalization;

namespace Broadcaster.Bench;

/// <summary>Collects the figures and prints them as a plain text table.</summary>
public sealed class ResultTable
{
    private readonly List<ResultRow> _rows = [];

    public IReadOnlyList<ResultRow> Rows => _rows;

    public ResultRow Add(ResultRow row)
    {
        _rows.Add(row);
        return row;
    }

    public void Print(TextWriter output)
    {
        string[] header = ["scenario", "measure", "unit", "median", "min", "max", "runs", "vs baseline"];
        var lines = _rows.Select(r => new[]
        {
            r.Scenario, r.Measure, r.Unit, Format(r.Median, r.Unit), Format(r.Min, r.Unit), Format(r.Max, r.Unit),
            r.Runs.Count.ToString(CultureInfo.InvariantCulture),
            r.Ratio is { } ratio ? string.Create(CultureInfo.InvariantCulture, $"x{ratio:0.00} of {r.Baseline!.Scenario} {r.Baseline.Measure}") : "",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, lines.Count == 0 ? 0 : lines.Max(l => l[i].Length))).ToArray();
        var numeric = new[] { false, false, false, true, true, true, true, false };
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) => numeric[i] ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine(Line(widths.Select(w => new string('-', w)).ToArray()));
        foreach (var line in lines) output.WriteLine(Line(line));
    }

    private static string Format(double value, string unit) => double.IsNaN(value)
        ? "-"
        : unit == "ms"
            ? value.ToString("0.00", CultureInfo.InvariantCulture)
            : value.ToString("#,0", CultureInfo.InvariantCulture);
}
