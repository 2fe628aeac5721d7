using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Soak;

/// <summary>What the steady fan-out's subscribers, connected from start to end, received of the events the node accepted.</summary>
public sealed record SteadyOutcome(int Subscribers, long Triggered, long Accepted, long FailedTriggers, DeliveryTally Tally);
