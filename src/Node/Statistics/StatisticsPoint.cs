namespace Broadcaster.Node.Statistics;

/// <summary>One node's figures for one app in one bucket of a graph (one or more intervals).</summary>
/// <param name="PeakConnections">The highest of the bucket's interval peaks.</param>
public sealed record StatisticsPoint(long TimeMs, string Node, long PeakConnections, long WebSocketMessagesIn, long WebSocketMessagesOut, long ApiMessages);
