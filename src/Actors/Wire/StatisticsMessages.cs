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
