namespace Broadcaster.Bench;

/// <summary>Trigger-to-receive latency of one run over every delivery (events × subscribers), in milliseconds.</summary>
public sealed record LatencyStats(double P50, double P90, double P99, double Max, int Samples);
