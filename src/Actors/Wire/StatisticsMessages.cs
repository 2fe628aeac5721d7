namespace Broadcaster.Actors.Wire;

/// <summary>
/// What one node counted for each app in one statistics interval (<c>broadcaster.statistics.interval</c>), published to
/// every node so that whichever node writes the cluster's statistics has it, and the next writer still has the last
/// intervals when the writer crashes.
/// </summary>
/// <param name="Node">The node's cluster address as <c>host:port</c>: stable across restarts, unlike its incarnation.</param>
/// <param name="IntervalStartMs">Unix milliseconds, a multiple of <paramref name="IntervalMs"/>.</param>
public sealed record StatisticsSample(string Node, long IntervalStartMs, long IntervalMs, IReadOnlyList<StatisticsRow> Rows) : IWireMessage;

/// <param name="PeakConnections">The most connections the app had open on the node at once during the interval.</param>
/// <param name="WebSocketMessagesIn">Messages the app's clients sent the node.</param>
/// <param name="WebSocketMessagesOut">Messages the node sent the app's clients.</param>
/// <param name="ApiMessages">Events triggered through the HTTP API on the node (a batch counts each of its events).</param>
public sealed record StatisticsRow(string AppId, long PeakConnections, long WebSocketMessagesIn, long WebSocketMessagesOut, long ApiMessages);

/// <summary>
/// Asked of every node's statistics recorder by a dashboard's graph: the rows of one app in its own database, from
/// <paramref name="FromMs"/> (inclusive) to <paramref name="ToMs"/>, per node in buckets of <paramref name="BucketMs"/>.
/// Every node is asked because the writer may have changed (a crash): each database holds what its node wrote.
/// </summary>
public sealed record StatisticsQuery(string AppId, long FromMs, long ToMs, long BucketMs) : IWireMessage;

/// <summary>What one node's database holds for a <see cref="StatisticsQuery"/>.</summary>
public sealed record StatisticsAnswer(IReadOnlyList<StatisticsBucket> Buckets) : IWireMessage;

/// <param name="Intervals">How many interval rows the bucket sums: of two databases with the same bucket, the fuller one is right.</param>
/// <param name="PeakConnections">The highest interval peak in the bucket.</param>
public sealed record StatisticsBucket(long TimeMs, string Node, int Intervals, long PeakConnections, long WebSocketMessagesIn,
    long WebSocketMessagesOut, long ApiMessages);
