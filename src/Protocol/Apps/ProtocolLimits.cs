namespace Broadcaster.Protocol.Apps;

/// <summary>Protocol limits (PROTOCOL.md 6.9). Sizes are UTF-8 bytes; "10 KB" is 10,240.</summary>
public sealed record ProtocolLimits
{
    public int MaxChannelNameLength { get; init; } = 200;
    public int MaxEventNameLength { get; init; } = 200;
    public int MaxEventDataBytes { get; init; } = 10 * 1024;
    public int MaxChannelsPerTrigger { get; init; } = 100;
    public int MaxBatchSize { get; init; } = 10;
    public int TimestampWindowSeconds { get; init; } = 600;
    public double ClientEventsPerSecond { get; init; } = 10;
    public int MaxPresenceMembers { get; init; } = 100;
    public int MaxUserInfoBytes { get; init; } = 1024;
    public int MaxUserIdLength { get; init; } = 128;
    public int MaxMessageBytes { get; init; } = 64 * 1024;
    public int MaxRequestBodyBytes { get; init; } = 1024 * 1024;

    public static ProtocolLimits Default { get; } = new();
}
