using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Statistics;

/// <summary>Where the cluster's statistics are kept (the node's SQLite database). Both calls queue and return at once.</summary>
public interface IStatisticsStore
{
    /// <summary>Keeps the sample's rows; a row already kept for its interval, app and node stays as it is.</summary>
    void Write(StatisticsSample sample);

    /// <summary>Removes what is older than the retention.</summary>
    void Prune();

    /// <summary>What this node's database holds for a graph.</summary>
    Task<StatisticsAnswer> QueryAsync(StatisticsQuery query);
}
