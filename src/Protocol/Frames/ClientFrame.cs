namespace Broadcaster.Protocol.Frames;

/// <summary>
/// One frame from a client. <see cref="RawData"/> is the <c>data</c> value as JSON text, exactly as sent,
/// so client events can be relayed unchanged in type (object stays object, string stays string).
/// </summary>
public sealed record ClientFrame(string Event, string? Channel, string? RawData, PusherEventData Data)
{
    public bool IsClientEvent => Event.StartsWith("client-", StringComparison.Ordinal);

    /// <summary>
    /// Size of <c>data</c> for the event size limit, in UTF-8 bytes: of the string itself when data is a
    /// string (quotes and escapes not counted), of its JSON text otherwise (PROTOCOL.md 10.18). Measured by
    /// the parser, which already holds the decoded value.
    /// </summary>
    public int DataSize { get; init; }
}
