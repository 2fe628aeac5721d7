namespace Broadcaster.Protocol.Frames;

/// <summary>
/// Fields of the <c>data</c> object of <c>pusher:*</c> events. <see cref="ChannelData"/> and
/// <see cref="UserData"/> stay the exact strings received because they are covered by signatures.
/// </summary>
public sealed record PusherEventData(string? Channel, string? Auth, string? ChannelData, string? UserData)
{
    public static PusherEventData Empty { get; } = new(null, null, null, null);
}
