using System.Globalization;
using System.Text.RegularExpressions;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// A strict little parser of the Prometheus text format (0.0.4) as the node writes it: every sample belongs to a
/// family declared before it with one # HELP and one # TYPE line, names and labels are well-formed, values parse.
/// </summary>
public sealed partial class PrometheusScrape
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusScrape(string text) => Text = text;

    public string Text { get; }
    public Dictionary<string, string> Help { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);
    public List<Sample> Samples { get; } = [];

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("""^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"$""")]
    private static partial Regex LabelRegex();

    public static PrometheusScrape Parse(string text)
    {
        var scrape = new PrometheusScrape(text);
        Assert.True(text.EndsWith('\n'), "The exposition must end with a newline");
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            Assert.False(string.IsNullOrWhiteSpace(line), $"Empty line {i + 1}");
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ', 4);
                Assert.True(parts.Length == 4 && parts[3].Length > 0, $"Malformed comment line: {line}");
                Assert.Matches(NameRegex(), parts[2]);
                var target = parts[1] == "HELP" ? scrape.Help : scrape.Types;
                Assert.True(target.TryAdd(parts[2], parts[3]), $"Second # {parts[1]} for {parts[2]}");
                if (parts[1] == "TYPE") Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                continue;
            }
            Assert.False(line.StartsWith('#'), $"Unknown comment line: {line}");
            scrape.Samples.Add(ParseSample(line));
        }
        foreach (var sample in scrape.Samples)
        {
            Assert.True(scrape.Help.ContainsKey(sample.Name), $"{sample.Name} has no # HELP line");
            Assert.True(scrape.Types.ContainsKey(sample.Name), $"{sample.Name} has no # TYPE line");
        }
        foreach (var family in scrape.Types.Keys) Assert.True(scrape.Help.ContainsKey(family), $"{family} has # TYPE but no # HELP");
        var duplicates = scrape.Samples.GroupBy(s => s.Name + "{" + string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) + "}")
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Duplicate series: {string.Join(", ", duplicates)}");
        return scrape;
    }

    private static Sample ParseSample(string line)
    {
        var space = line.LastIndexOf(' ');
        Assert.True(space > 0, $"Malformed sample: {line}");
        var series = line[..space];
        Assert.True(double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value), $"Bad value in: {line}");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var name = series;
        var brace = series.IndexOf('{');
        if (brace >= 0)
        {
            Assert.True(series.EndsWith('}'), $"Unclosed labels in: {line}");
            name = series[..brace];
            var body = series[(brace + 1)..^1];
            foreach (var pair in SplitLabels(body))
            {
                var m = LabelRegex().Match(pair);
                Assert.True(m.Success, $"Malformed label '{pair}' in: {line}");
                Assert.True(labels.TryAdd(m.Groups[1].Value, m.Groups[2].Value.Replace("\\n", "\n").Replace("\\\"", "\"").Replace("\\\\", "\\")),
                    $"Repeated label in: {line}");
            }
        }
        Assert.Matches(NameRegex(), name);
        return new Sample(name, labels, value);
    }

    /// <summary>Splits <c>a="x",b="y"</c> at commas outside quotes.</summary>
    private static IEnumerable<string> SplitLabels(string body)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && quoted) i++;
            else if (body[i] == '"') quoted = !quoted;
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }
        if (body.Length > 0) yield return body[start..];
    }

    /// <summary>The value of the one series with exactly these labels; fails when there is none.</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        Find(name, labels)?.Value ?? throw new Xunit.Sdk.XunitException($"No series {Describe(name, labels)} in:\n{Text}");

    public Sample? Find(string name, params (string Label, string Value)[] labels) =>
        Samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length &&
                                     labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value));

    public static string Describe(string name, (string Label, string Value)[] labels) =>
        labels.Length == 0 ? name : $"{name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}}";

    /// <summary>GET /metrics (or <paramref name="path"/>): asserts 200 and the Prometheus content type, then parses.</summary>
    public static async Task<PrometheusScrape> FetchAsync(int port, string path = "/metrics")
    {
        using var response = await Http.GetAsync($"http://127.0.0.1:{port}{path}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 200, $"GET {path}: {(int)response.StatusCode} {text}");
        var type = response.Content.Headers.ContentType;
        Assert.Equal("text/plain", type?.MediaType);
        Assert.Contains(type!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        return Parse(text);
    }

    /// <summary>
    /// Polls /metrics until every listed series has its expected value (counters move after the bytes are on the
    /// wire, so a client can see a frame a moment before its counter), then asserts them, naming every mismatch.
    /// </summary>
    public static async Task<PrometheusScrape> WaitForAsync(int port, IReadOnlyList<(string Name, (string, string)[] Labels, double Expected)> expected,
        TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var scrape = await FetchAsync(port);
            var wrong = expected.Where(e => scrape.Find(e.Name, e.Labels)?.Value != e.Expected)
                .Select(e => $"{Describe(e.Name, e.Labels)} = {scrape.Find(e.Name, e.Labels)?.Value.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {e.Expected}")
                .ToList();
            if (wrong.Count == 0) return scrape;
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException("Metrics did not reach their expected values:\n" + string.Join("\n", wrong));
            await Task.Delay(50);
        }
    }
}
