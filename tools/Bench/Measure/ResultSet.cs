namespace Broadcaster.Bench.Measure;

/// <summary>Every measurement of every run, grouped into summaries per (scenario, case, measure, server).</summary>
public sealed class ResultSet
{
    private readonly List<(string Scenario, Measurement Value)> _all = [];
    private readonly Dictionary<string, (IReadOnlyList<string> Servers, string Reference)> _scenarios = [];

    /// <summary>Declares a scenario's servers, in table order, and the one the others are compared with.</summary>
    public void Declare(string scenario, IReadOnlyList<string> servers, string reference) => _scenarios[scenario] = (servers, reference);

    public void Add(string scenario, IEnumerable<Measurement> measurements)
    {
        lock (_all) _all.AddRange(measurements.Select(m => (scenario, m)));
    }

    public IReadOnlyList<string> ServersOf(string scenario) => _scenarios[scenario].Servers;

    public string ReferenceOf(string scenario) => _scenarios[scenario].Reference;

    public IReadOnlyList<string> Scenarios => _scenarios.Keys.Where(s => _all.Any(a => a.Scenario == s)).ToList();

    /// <summary>The summaries in the order the figures were first measured.</summary>
    public IReadOnlyList<ResultSummary> Summaries()
    {
        var groups = _all.GroupBy(a => (a.Scenario, a.Value.Case, a.Value.Measure, a.Value.Unit, a.Value.Server)).ToList();
        var medians = groups.ToDictionary(g => g.Key, g => Stats.Median(g.Select(a => a.Value.Value)));
        return groups.Select(g =>
        {
            var reference = _scenarios[g.Key.Scenario].Reference;
            double? ratio = null;
            if (g.Key.Server != reference &&
                medians.TryGetValue((g.Key.Scenario, g.Key.Case, g.Key.Measure, g.Key.Unit, reference), out var baseline) &&
                baseline != 0 && !double.IsNaN(baseline) && !double.IsNaN(medians[g.Key]))
                ratio = medians[g.Key] / baseline;
            return new ResultSummary(g.Key.Scenario, g.Key.Case, g.Key.Measure, g.Key.Unit, g.Key.Server,
                g.Select(a => a.Value.Value).ToList(), ratio, g.Key.Server == reference ? null : reference,
                g.Select(a => a.Value.Note).FirstOrDefault(n => n is not null));
        }).ToList();
    }
}
