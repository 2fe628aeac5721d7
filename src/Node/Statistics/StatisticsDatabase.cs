using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Microsoft.Data.Sqlite;

namespace Broadcaster.Node.Statistics;

/// <summary>
/// The statistics file: one SQLite database in write-ahead-log mode, so a process killed in the middle of a write
/// leaves the last committed transaction intact and the file readable (SQLite's recovery replays or drops the log on
/// the next open). Each row is one app on one node for one interval; its key makes a repeated write of the same row
/// (a new writer taking over after a crash) change nothing. The schema version is kept in <c>PRAGMA user_version</c>
/// and upgraded in place, so an upgrade keeps the data.
/// </summary>
public sealed class StatisticsDatabase
{
    public const int SchemaVersion = 1;

    private static readonly string[] Migrations =
    [
        // 0 -> 1
        """
        CREATE TABLE statistics (
          interval_start INTEGER NOT NULL,
          interval_ms INTEGER NOT NULL,
          app_id TEXT NOT NULL,
          node TEXT NOT NULL,
          peak_connections INTEGER NOT NULL,
          websocket_messages_in INTEGER NOT NULL,
          websocket_messages_out INTEGER NOT NULL,
          api_messages INTEGER NOT NULL,
          PRIMARY KEY (interval_start, app_id, node)) WITHOUT ROWID;
        CREATE INDEX statistics_app_time ON statistics (app_id, interval_start);
        """,
    ];

    private readonly string _connectionString;

    public StatisticsDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Several nodes on one host may share the file; a writer waits for another's transaction instead of failing.
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Creates the file and its schema, or upgrades an older schema; a file that cannot be used stops the start.</summary>
    public void Open()
    {
        try
        {
            using var connection = Connect();
            Execute(connection, "PRAGMA journal_mode=WAL;");
            while (true)
            {
                // The version is read inside the write transaction: nodes starting together on a new shared file take
                // turns, and each migrates only what the one before it left to do.
                using var transaction = connection.BeginTransaction(deferred: false);
                var version = Convert.ToInt32(Scalar(connection, "PRAGMA user_version;", transaction));
                if (version > SchemaVersion)
                    throw new SettingsException($"broadcaster.statistics.database: {Path} was written by a newer version (schema {version}, this one knows {SchemaVersion})");
                if (version == SchemaVersion) return;
                Execute(connection, Migrations[version], transaction);
                Execute(connection, $"PRAGMA user_version = {version + 1};", transaction);
                transaction.Commit();
            }
        }
        catch (SqliteException e)
        {
            throw new SettingsException($"broadcaster.statistics.database: cannot open {Path}: {e.Message}");
        }
    }

    /// <summary>Writes the samples' rows in one transaction; rows already there stay as they are.</summary>
    public void Insert(IReadOnlyCollection<StatisticsSample> samples)
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT OR IGNORE INTO statistics (interval_start, interval_ms, app_id, node, peak_connections,
              websocket_messages_in, websocket_messages_out, api_messages)
            VALUES ($start, $ms, $app, $node, $peak, $in, $out, $api);
            """;
        var parameters = new[] { "$start", "$ms", "$app", "$node", "$peak", "$in", "$out", "$api" }
            .Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        foreach (var sample in samples)
        {
            foreach (var row in sample.Rows)
            {
                object[] values = [sample.IntervalStartMs, sample.IntervalMs, row.AppId, sample.Node, row.PeakConnections,
                    row.WebSocketMessagesIn, row.WebSocketMessagesOut, row.ApiMessages];
                for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i];
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
    }

    /// <summary>Removes the rows of intervals that started before <paramref name="beforeMs"/>; returns how many.</summary>
    public int Clean(long beforeMs)
    {
        using var connection = Connect();
        using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM statistics WHERE interval_start < $before;";
        delete.Parameters.AddWithValue("$before", beforeMs);
        return delete.ExecuteNonQuery();
    }

    /// <summary>One app's rows from <paramref name="fromMs"/> to <paramref name="toMs"/>, per node, in buckets of <paramref name="bucketMs"/>.</summary>
    public IReadOnlyList<StatisticsBucket> Query(string appId, long fromMs, long toMs, long bucketMs)
    {
        using var connection = Connect();
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT (interval_start / $bucket) * $bucket AS t, node, COUNT(*), MAX(peak_connections), SUM(websocket_messages_in),
              SUM(websocket_messages_out), SUM(api_messages)
            FROM statistics WHERE app_id = $app AND interval_start >= $from AND interval_start < $to
            GROUP BY t, node ORDER BY t, node;
            """;
        select.Parameters.AddWithValue("$bucket", bucketMs);
        select.Parameters.AddWithValue("$app", appId);
        select.Parameters.AddWithValue("$from", fromMs);
        select.Parameters.AddWithValue("$to", toMs);
        var buckets = new List<StatisticsBucket>();
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            buckets.Add(new StatisticsBucket(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt64(5), reader.GetInt64(6)));
        }
        return buckets;
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // With the write-ahead log, NORMAL loses no committed transaction when the process dies; only a power loss
        // may take the last ones, and never corrupts the file.
        Execute(connection, "PRAGMA synchronous=NORMAL;");
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
