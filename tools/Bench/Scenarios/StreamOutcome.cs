using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Servers;

namespace Broadcaster.Bench.Scenarios;

/// <summary>What one phase of events did, seen from the clients and from outside the servers.</summary>
public sealed record StreamOutcome(
    DeliveryTally Tally,
    long Triggered,
    long Accepted,
    long FailedTriggers,
    double SendSeconds,
    double DeliverySeconds,
    IReadOnlyList<double> ServerCpuSeconds,
    IReadOnlyList<ServerMetrics> ServerGc,
    double LoadGeneratorCores,
    double MachineBusyPercent)
{
    public double DeliveredPerSecond => Tally.Received / Math.Max(1e-9, DeliverySeconds);

    /// <summary>Server CPU (all servers given) per delivery, µs.</summary>
    public double CpuMicrosPerDelivery => ServerCpuSeconds.Sum() * 1e6 / Math.Max(1, Tally.Received);

    /// <summary>The figures every stream scenario reports, for <paramref name="server"/> in case <paramref name="case"/>.</summary>
    public IEnumerable<Measurement> Measurements(string server, string @case)
    {
        var latency = Tally.Latency();
        yield return new(server, @case, "delivered", "deliveries/s", DeliveredPerSecond);
        yield return new(server, @case, "triggers accepted", "events/s", Accepted / Math.Max(1e-9, SendSeconds));
        yield return new(server, @case, "server CPU per delivery", "µs", CpuMicrosPerDelivery);
        yield return new(server, @case, "latency p50", "ms", latency.PercentileMs(50));
        yield return new(server, @case, "latency p99", "ms", latency.PercentileMs(99));
        yield return new(server, @case, "lost", "deliveries", Tally.Lost);
        yield return new(server, @case, "duplicated", "deliveries", Tally.Duplicates);
        yield return new(server, @case, "closed by the server", "connections", Tally.ClosedClients);
        yield return new(server, @case, "failed triggers", "requests", FailedTriggers);
        yield return new(server, @case, "GCs (all generations)", "count", ServerGc.Sum(g => g.Gen0));
        yield return new(server, @case, "gen2 GCs", "count", ServerGc.Sum(g => g.Gen2));
        yield return new(server, @case, "load generator CPU", "% of a core", LoadGeneratorCores * 100);
        yield return new(server, @case, "machine CPU busy", "%", MachineBusyPercent);
    }
}
