using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Statistics;

/// <summary>The store of a node with statistics turned off: samples are neither taken nor kept.</summary>
public sealed class NoStatistics : IStatisticsStore
{
    public static NoStatistics Instance { get; } = new();

    public void Write(StatisticsSample sample) { }

    public void Prune() { }

    public Task<StatisticsAnswer> QueryAsync(StatisticsQuery query) => Task.FromResult(new StatisticsAnswer([]));
}
