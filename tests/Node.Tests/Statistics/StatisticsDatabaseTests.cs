using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Statistics;
using Microsoft.Data.Sqlite;

namespace Broadcaster.Node.Tests.Statistics;

/// <summary>The statistics file: created with its schema in WAL mode, rows kept once, upgrades and cleaning.</summary>
public sealed class StatisticsDatabaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string File => _dir.File("stats.db");

    public void Dispose() => _dir.Dispose();

    private static StatisticsSample Sample(string node, long start, params StatisticsRow[] rows) => new(node, start, 60_000, rows);

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={File}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public void The_first_open_creates_the_file_with_its_schema_version_in_write_ahead_log_mode()
    {
        new StatisticsDatabase(File).Open();

        Assert.True(System.IO.File.Exists(File));
        Assert.Equal("wal", Scalar("PRAGMA journal_mode;"));
        Assert.Equal((long)StatisticsDatabase.SchemaVersion, Scalar("PRAGMA user_version;"));
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM statistics;"));
    }

    [Fact]
    public void A_row_is_kept_once_and_reopening_keeps_the_data()
    {
        var db = new StatisticsDatabase(File);
        db.Open();
        db.Insert([Sample("n1", 60_000, new StatisticsRow("app", 5, 10, 20, 3)), Sample("n2", 60_000, new StatisticsRow("app", 1, 0, 0, 0))]);
        // A second writer after a crash writes the same sample again, with whatever it kept: the first row stays.
        db.Insert([Sample("n1", 60_000, new StatisticsRow("app", 99, 99, 99, 99))]);

        var again = new StatisticsDatabase(File);
        again.Open();
        var points = again.Query("app", 0, 120_000, 60_000);
        Assert.Equal([new StatisticsBucket(60_000, "n1", 1, 5, 10, 20, 3), new StatisticsBucket(60_000, "n2", 1, 1, 0, 0, 0)], points);
    }

    [Fact]
    public async Task Nodes_opening_a_new_shared_file_at_once_create_its_schema_once()
    {
        var opens = Enumerable.Range(0, 8).Select(_ => Task.Run(() => new StatisticsDatabase(File).Open())).ToArray();
        await Task.WhenAll(opens);

        Assert.Equal((long)StatisticsDatabase.SchemaVersion, Scalar("PRAGMA user_version;"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'statistics';"));
    }

    [Fact]
    public void A_file_of_a_newer_schema_is_refused_naming_the_setting()
    {
        new StatisticsDatabase(File).Open();
        Scalar("PRAGMA user_version = 99;");

        var e = Assert.Throws<SettingsException>(() => new StatisticsDatabase(File).Open());
        Assert.Contains("broadcaster.statistics.database", e.Message);
        Assert.Contains("newer", e.Message);
    }

    [Fact]
    public void A_path_that_cannot_be_created_is_refused_naming_the_setting()
    {
        var e = Assert.Throws<SettingsException>(() => new StatisticsDatabase(Path.Combine(_dir.Path, "missing", "dir", "stats.db")).Open());
        Assert.Contains("broadcaster.statistics.database", e.Message);
    }

    [Fact]
    public void Clean_removes_only_what_started_before_the_cut()
    {
        var db = new StatisticsDatabase(File);
        db.Open();
        db.Insert([Sample("n1", 0, new StatisticsRow("app", 1, 1, 1, 1)), Sample("n1", 60_000, new StatisticsRow("app", 2, 2, 2, 2)),
            Sample("n1", 120_000, new StatisticsRow("other", 3, 3, 3, 3))]);

        Assert.Equal(2, db.Clean(120_000));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM statistics;"));
        Assert.Equal("other", Scalar("SELECT app_id FROM statistics;"));
        Assert.Equal(0, db.Clean(120_000));
    }

    [Fact]
    public void A_query_buckets_per_node_with_the_highest_peak_and_the_summed_messages()
    {
        var db = new StatisticsDatabase(File);
        db.Open();
        db.Insert([Sample("n1", 0, new StatisticsRow("app", 4, 1, 2, 3)), Sample("n1", 60_000, new StatisticsRow("app", 6, 10, 20, 30)),
            Sample("n1", 120_000, new StatisticsRow("app", 1, 100, 200, 300)), Sample("n2", 60_000, new StatisticsRow("app", 2, 5, 5, 5)),
            Sample("n1", 60_000, new StatisticsRow("other", 50, 50, 50, 50))]);

        Assert.Equal(
            [new StatisticsBucket(0, "n1", 2, 6, 11, 22, 33), new StatisticsBucket(0, "n2", 1, 2, 5, 5, 5), new StatisticsBucket(120_000, "n1", 1, 1, 100, 200, 300)],
            db.Query("app", 0, 180_000, 120_000));
        Assert.Empty(db.Query("app", 180_000, 240_000, 60_000));
    }
}
