namespace Broadcaster.Bench.Soak;

/// <summary>
/// The connection waves' figures over the whole run, added up by the wave loop as each wave ends (one wave at a
/// time, so plain fields): how many connected and how they left, the wave channels' deliveries, the steady
/// channel's deliveries within each client's stay, and what went wrong.
/// </summary>
public sealed class WaveTally
{
    public int Waves { get; set; }
    public long Connections { get; set; }

    /// <summary>Left by unsubscribing from every channel, then the closing handshake.</summary>
    public long PoliteLeaves { get; set; }

    /// <summary>Left with the closing handshake, still subscribed.</summary>
    public long Closes { get; set; }

    /// <summary>Left with a TCP reset, no close frame (a crashed client).</summary>
    public long Resets { get; set; }

    public long WaveExpected { get; set; }
    public long WaveReceived { get; set; }
    public long WaveLost { get; set; }
    public long WaveDuplicated { get; set; }
    public long FailedTriggers { get; set; }

    public long SteadyReceived { get; set; }
    public long SteadyExpected { get; set; }
    public long SteadyMissing { get; set; }
    public long SteadyDuplicated { get; set; }

    /// <summary>Wave clients the node closed or dropped while they stayed.</summary>
    public long ClosedByServer { get; set; }

    /// <summary>Closing handshakes the node did not finish within a few seconds.</summary>
    public long UnansweredCloses { get; set; }

    public int Errors { get; set; }
    public string? FirstError { get; set; }
}
