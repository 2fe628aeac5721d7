namespace Broadcaster.Bench;

/// <summary>How big and how long each scenario is: the full benchmark, the quick one, and the CI smoke run.</summary>
public sealed record BenchSizes
{
    public static readonly BenchSizes Full = new();

    public static readonly BenchSizes Quick = Full with
    {
        PhaseSeconds = 3,
        IdleWindowSeconds = 10,
        IdleWarmupSeconds = 5,
        ConnectCount = 2_000,
        PresenceSeconds = 5,
        SlowLimitSeconds = 45,
        ClusterSeconds = 5,
    };

    public static readonly BenchSizes Smoke = Full with
    {
        FanoutSubscribers = 200,
        FanoutLoads = [2_000, 10_000],
        PhaseSeconds = 2,
        WarmupSeconds = 1,
        IdleConnections = [300],
        IdleWindowSeconds = 2,
        IdleSettleSeconds = 1,
        IdleWarmupSeconds = 0,
    };

    /// <summary>Subscribers of the one channel of the fanout scenario.</summary>
    public int FanoutSubscribers { get; init; } = 2_000;

    /// <summary>Offered loads, in deliveries per second (events per second × subscribers of the channel).</summary>
    public IReadOnlyList<int> FanoutLoads { get; init; } = [20_000, 50_000, 100_000, 200_000, 400_000];

    public int Channels { get; init; } = 20;
    public int SubscribersPerChannel { get; init; } = 100;

    /// <summary>How long each load is offered.</summary>
    public int PhaseSeconds { get; init; } = 10;

    /// <summary>An unmeasured phase at the lowest load first, so the first measured load does not pay for the JIT.</summary>
    public int WarmupSeconds { get; init; } = 2;

    public int PayloadBytes { get; init; } = 100;

    public IReadOnlyList<int> IdleConnections { get; init; } = [10_000, 19_000];
    public int IdleWindowSeconds { get; init; } = 60;

    /// <summary>Pause after connecting or subscribing before memory is read.</summary>
    public int IdleSettleSeconds { get; init; } = 3;

    /// <summary>
    /// After memory is read and before the CPU window opens: longer than one liveness round (activity-timeout 30 s),
    /// so the window holds the steady state, not the tier-up compilation of what connecting and the first
    /// pusher:ping round made hot.
    /// </summary>
    public int IdleWarmupSeconds { get; init; } = 35;

    public int ConnectCount { get; init; } = 5_000;
    public int ConnectInFlight { get; init; } = 200;

    public int PresenceWatchers { get; init; } = 20;
    public int PresenceChurners { get; init; } = 200;
    public int PresenceCyclesPerSecond { get; init; } = 500;
    public int PresenceSeconds { get; init; } = 10;

    public int SlowReaders { get; init; } = 1_000;
    public int SlowClients { get; init; } = 1_000;
    public int SlowEventsPerSecond { get; init; } = 100;
    public int SlowPayloadBytes { get; init; } = 1_024;
    public int SlowLimitSeconds { get; init; } = 90;

    public int ClusterSubscribersPerNode { get; init; } = 600;
    public int ClusterEventsPerSecond { get; init; } = 20;
    public int ClusterSeconds { get; init; } = 10;
}
