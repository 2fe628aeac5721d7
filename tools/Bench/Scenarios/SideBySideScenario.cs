using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// A scenario that measures our server and the baseline the same way, one fresh server of each kind per run, in the
/// order <see cref="ScenarioContext.Order"/> gives (alternating, so a busy moment of the machine hits both).
/// </summary>
public abstract class SideBySideScenario : IScenario
{
    public abstract string Name { get; }
    public IReadOnlyList<string> Servers { get; } = [ScenarioContext.Broadcaster, ScenarioContext.Baseline];
    public string Reference => ScenarioContext.Baseline;

    public async Task<IReadOnlyList<Measurement>> RunOnceAsync(int run, ScenarioContext context)
    {
        var results = new List<Measurement>();
        foreach (var kind in ScenarioContext.Order(run)) results.AddRange(await MeasureAsync(kind, run, context));
        return results;
    }

    /// <summary>Every figure of one server for run <paramref name="run"/>.</summary>
    protected abstract Task<IReadOnlyList<Measurement>> MeasureAsync(ServerKind kind, int run, ScenarioContext context);
}
