using System.Globalization;
using Broadcaster.Actors.Statistics;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Metrics;
using Broadcaster.Node.Statistics;

namespace Broadcaster.Node.Hosting;

/// <summary>Starts the statistics of a node: the database and its writer before the actors, the sampler after them.</summary>
public static class StatisticsHosting
{
    /// <summary>The writer on the opened (created, upgraded) database; null with statistics off.</summary>
    public static StatisticsWriter? OpenWriter(StatisticsOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        if (!options.Enabled) return null;
        var database = new StatisticsDatabase(options.Database);
        database.Open();
        return new StatisticsWriter(database, options.Retention, time, loggers.CreateLogger<StatisticsWriter>());
    }

    public static StatisticsSampler? StartSampler(BroadcasterOptions options, NodeMetrics metrics, NodeActors actors, TimeProvider time) =>
        options.Statistics.Enabled
            ? new StatisticsSampler(metrics, actors, NodeNameOf(options, actors), options.Apps.Select(a => a.Id).ToList(), options.Statistics.Interval, time)
            : null;

    /// <summary>
    /// A node's name in the statistics, the same after a restart: its cluster address, or for a node without a cluster
    /// port (a single node, whose cluster port is picked anew at each start) its host and HTTP port.
    /// </summary>
    public static string NodeNameOf(BroadcasterOptions options, NodeActors actors)
    {
        if (options.Cluster.Port != 0) return Cluster.NodeName.Self(actors.System);
        var host = options.Cluster.PublicHostname.Length > 0 ? options.Cluster.PublicHostname : options.Cluster.Hostname;
        return $"{host}:{options.Port}";
    }

    /// <summary>The <c>clean</c> command: removes rows older than <paramref name="days"/> (default: the retention).</summary>
    public static int Clean(StatisticsOptions options, int? days, TextWriter output)
    {
        var database = new StatisticsDatabase(options.Database);
        database.Open();
        var keep = days is { } d ? TimeSpan.FromDays(d) : options.Retention;
        var removed = database.Clean((DateTimeOffset.UtcNow - keep).ToUnixTimeMilliseconds());
        var entries = removed == 1 ? "entry" : "entries";
        var dayWord = keep.TotalDays == 1 ? "day" : "days";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Removed {removed} statistics {entries} older than {keep.TotalDays:0.##} {dayWord} from {database.Path}"));
        return 0;
    }
}
