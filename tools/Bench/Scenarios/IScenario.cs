using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Scenarios;

/// <summary>One scenario: bounded in time and size, it stops by itself; one call measures every server it compares once.</summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>The servers (or set-ups) it measures, in table order.</summary>
    IReadOnlyList<string> Servers { get; }

    /// <summary>The one the others' figures are divided by.</summary>
    string Reference { get; }

    /// <summary>Run number <paramref name="run"/> (from 1): fresh servers, every figure of every server once.</summary>
    Task<IReadOnlyList<Measurement>> RunOnceAsync(int run, ScenarioContext context);
}
