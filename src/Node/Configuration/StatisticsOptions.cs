namespace Broadcaster.Node.Configuration;

/// <summary><c>broadcaster.statistics</c>: per-app figures per interval, written by one node of the cluster into SQLite.</summary>
public sealed record StatisticsOptions
{
    public bool Enabled { get; init; } = true;

    /// <summary>The length of one row's interval; nodes sample at its multiples of the wall clock.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The SQLite file; a relative path is relative to the working directory. Created on first start.</summary>
    public string Database { get; init; } = "broadcaster-statistics.db";

    /// <summary>Rows older than this are removed (hourly, by the writing node; also by the <c>clean</c> command).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(60);
}
