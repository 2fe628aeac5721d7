namespace Broadcaster.Bench.Scenarios;

/// <summary>The two servers most scenarios compare, measured with the same load generator in the same run.</summary>
public enum ServerKind
{
    /// <summary>This server: the node's build, as a process.</summary>
    Broadcaster,

    /// <summary>The raw Kestrel fan-out server built into the tool.</summary>
    Baseline,
}
