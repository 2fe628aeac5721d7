namespace Broadcaster.Bench.Soak;

/// <summary>
/// How much of each load the soak runs at once. Steady and modest on purpose: a soak looks for what accumulates
/// over time, not for the machine's limit, and these leave the two shared cores room (about 12,000 deliveries/s,
/// 20 presence cycles/s and 40 new connections/s together).
/// </summary>
public sealed record SoakSizes
{
    public static readonly SoakSizes Default = new();

    /// <summary>Subscribers of the steady channel, connected for the whole run.</summary>
    public int SteadySubscribers { get; init; } = 400;

    public int SteadyEventsPerSecond { get; init; } = 20;

    public int PayloadBytes { get; init; } = 100;

    /// <summary>Members that stay in the churned presence channel and count the member events.</summary>
    public int PresenceWatchers { get; init; } = 10;

    /// <summary>Members that join and leave it, each as its own user.</summary>
    public int PresenceChurners { get; init; } = 40;

    public int PresenceCyclesPerSecond { get; init; } = 20;

    /// <summary>New connections per wave; each subscribes to the steady channel, the wave's channel and a presence channel of the wave.</summary>
    public int WaveClients { get; init; } = 200;

    /// <summary>Events triggered on the wave's own channel once every client of the wave is in it.</summary>
    public int WaveEvents { get; init; } = 10;

    /// <summary>How long a wave stays connected before it leaves.</summary>
    public TimeSpan WaveHold { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Members of each of a wave's presence channels (200 clients: 10 channels of 20).</summary>
    public int WavePresenceMembers { get; init; } = 20;

    /// <summary>Short, so that liveness rounds (pusher:ping, pong) happen many times in a run.</summary>
    public TimeSpan ActivityTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>About 30 samples a run, never more often than every 5 s.</summary>
    public static TimeSpan SampleInterval(TimeSpan duration) => TimeSpan.FromSeconds(Math.Max(5, Math.Round(duration.TotalSeconds / 30)));
}
