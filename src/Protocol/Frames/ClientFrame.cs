namespace Broadcaster.Protocol.Frames;

/// <summary>
/// One frame from a client. <see cref="RawData"/> is the <c>data</c> value as JSON text, exactly as sent,
/// so client events can be relayed unchanged in type (object stays object, string stays string).
/// </summary>
public sealed record ClientFrame(string Event, string? Channel, string? RawData, PusherEventData Data)
{
    public bool IsClientEvent => Event.StartsWith("client-", StringComparison.Ordinal);
}
