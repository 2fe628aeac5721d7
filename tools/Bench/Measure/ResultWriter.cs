using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Broadcaster.Bench.Measure;

/// <summary>Writes the summaries as JSON lines (one per figure and server) and as a Markdown table per scenario.</summary>
public static class ResultWriter
{
    public static void WriteJsonLines(ResultSet results, TextWriter output)
    {
        foreach (var s in results.Summaries())
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("scenario", s.Scenario);
                json.WriteString("case", s.Case);
                json.WriteString("measure", s.Measure);
                json.WriteString("unit", s.Unit);
                json.WriteString("server", s.Server);
                Number(json, "median", s.Median);
                Number(json, "min", s.Min);
                Number(json, "max", s.Max);
                json.WriteNumber("runs", s.Values.Count(v => !double.IsNaN(v)));
                json.WriteStartArray("values");
                foreach (var v in s.Values) NumberValue(json, v);
                json.WriteEndArray();
                if (s.Ratio is { } ratio) json.WriteNumber("ratio", Math.Round(ratio, 4)); else json.WriteNull("ratio");
                if (s.Vs is { } vs) json.WriteString("vs", vs); else json.WriteNull("vs");
                if (s.Note is { } note) json.WriteString("note", note);
                json.WriteEndObject();
            }
            output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
        }
    }

    /// <summary>Per scenario: one row per (case, measure), a column per server with median (min-max), and the ratio.</summary>
    public static void WriteTable(ResultSet results, TextWriter output)
    {
        var summaries = results.Summaries();
        foreach (var scenario in results.Scenarios)
        {
            var servers = results.ServersOf(scenario);
            var reference = results.ReferenceOf(scenario);
            output.WriteLine();
            output.WriteLine($"**{scenario}**");
            output.WriteLine();
            var others = servers.Where(s => s != reference).ToList();
            output.WriteLine($"| case | measure | {string.Join(" | ", servers)} | {string.Join(" | ", others.Select(o => $"{o} / {reference}"))} |");
            output.WriteLine($"| --- | --- |{string.Concat(servers.Select(_ => " ---: |"))}{string.Concat(others.Select(_ => " ---: |"))}");
            var rows = summaries.Where(s => s.Scenario == scenario).GroupBy(s => (s.Case, s.Measure, s.Unit));
            foreach (var row in rows)
            {
                var cells = servers.Select(server => row.FirstOrDefault(s => s.Server == server) is { } s ? Cell(s) : "");
                var ratios = others.Select(server => row.FirstOrDefault(s => s.Server == server)?.Ratio is { } r
                    ? string.Create(CultureInfo.InvariantCulture, $"×{r:0.00}") : "");
                output.WriteLine($"| {row.Key.Case} | {row.Key.Measure}, {row.Key.Unit} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
            }
        }
    }

    private static string Cell(ResultSummary s)
    {
        if (double.IsNaN(s.Median)) return s.Note ?? "-";
        var text = s.Values.Count(v => !double.IsNaN(v)) > 1 ? $"{Format(s.Median)} ({Format(s.Min)}-{Format(s.Max)})" : Format(s.Median);
        return s.Note is null ? text : $"{text} ({s.Note})";
    }

    public static string Format(double value)
    {
        if (double.IsNaN(value)) return "-";
        var abs = Math.Abs(value);
        var format = value == Math.Round(value) || abs >= 1000 ? "#,0" : abs >= 100 ? "0" : abs >= 10 ? "0.0" : "0.00";
        return value.ToString(format, CultureInfo.InvariantCulture);
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        json.WritePropertyName(name);
        NumberValue(json, value);
    }

    private static void NumberValue(Utf8JsonWriter json, double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) json.WriteNullValue();
        else json.WriteNumberValue(Math.Round(value, 4));
    }
}
