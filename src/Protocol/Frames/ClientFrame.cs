using System.Text;
using System.Text.Json;

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
    /// string (quotes and escapes not counted), of its JSON text otherwise (PROTOCOL.md 10.18).
    /// </summary>
    public int DataSize()
    {
        if (RawData is null) return 0;
        if (RawData.Length == 0 || RawData[0] != '"') return Encoding.UTF8.GetByteCount(RawData);
        using var doc = JsonDocument.Parse(RawData);
        try
        {
            return Encoding.UTF8.GetByteCount(doc.RootElement.GetString() ?? "");
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape cannot be decoded: count the text as sent.
            return Encoding.UTF8.GetByteCount(RawData);
        }
    }
}
