namespace Broadcaster.Bench.Scenarios;

/// <summary>
/// One phase of events: <see cref="Events"/> triggers at <see cref="EventsPerSecond"/>, event i on channel
/// i mod channels with sequence number i / channels, each <see cref="PayloadBytes"/> of data.
/// </summary>
public sealed record StreamPlan(int Phase, IReadOnlyList<string> Channels, double EventsPerSecond, int Events, int PayloadBytes)
{
    /// <summary>Triggers in flight at most: far above what any rate here needs, so the rate, not this, paces.</summary>
    public int MaxInFlight { get; init; } = 64;

    public int[] EventsPerChannel() =>
        Enumerable.Range(0, Channels.Count).Select(c => Events / Channels.Count + (c < Events % Channels.Count ? 1 : 0)).ToArray();
}
