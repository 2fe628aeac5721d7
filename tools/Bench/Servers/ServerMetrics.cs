using System.Globalization;

namespace Broadcaster.Bench.Servers;

/// <summary>
/// The few figures read from a server's <c>GET /metrics</c> (Prometheus text): garbage collections per generation
/// (<c>dotnet_collection_count_total</c>, which is <see cref="GC.CollectionCount"/>: the generation 0 count counts
/// every collection) and open connections. The baseline serves the same GC metric.
/// </summary>
public sealed record ServerMetrics(long Gen0, long Gen1, long Gen2, long Connected)
{
    public static async Task<ServerMetrics> ScrapeAsync(HttpClient http, ServerProcess server, CancellationToken cancel)
    {
        var text = await http.GetStringAsync($"http://127.0.0.1:{server.Port}/metrics", cancel);
        return Parse(text, server.ConnectedMetric);
    }

    public static ServerMetrics Parse(string text, string connectedMetric)
    {
        long gen0 = 0, gen1 = 0, gen2 = 0, connected = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var value = Value(line);
            if (line.StartsWith("dotnet_collection_count_total{generation=\"0\"}", StringComparison.Ordinal)) gen0 = value;
            else if (line.StartsWith("dotnet_collection_count_total{generation=\"1\"}", StringComparison.Ordinal)) gen1 = value;
            else if (line.StartsWith("dotnet_collection_count_total{generation=\"2\"}", StringComparison.Ordinal)) gen2 = value;
            else if (line.StartsWith(connectedMetric + "{", StringComparison.Ordinal) || line.StartsWith(connectedMetric + " ", StringComparison.Ordinal))
                connected += value;
        }
        return new ServerMetrics(gen0, gen1, gen2, connected);
    }

    public ServerMetrics Since(ServerMetrics earlier) => new(Gen0 - earlier.Gen0, Gen1 - earlier.Gen1, Gen2 - earlier.Gen2, Connected);

    private static long Value(string line)
    {
        var space = line.LastIndexOf(' ');
        return space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? (long)v : 0;
    }
}
