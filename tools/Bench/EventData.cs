using System.Buffers.Text;
using System.Globalization;

namespace Broadcaster.Bench;

/// <summary>
/// The <c>data</c> of benchmark events: <c>run.seq.timestamp.</c> padded with 'x' to a minimum size, so it needs no
/// JSON escaping and can be read back from the frame bytes without a JSON parser.
/// </summary>
public static class EventData
{
    public const string EventName = "bench";
    public const string Channel = "bench";

    private static ReadOnlySpan<byte> Prefix => "{\"event\":\"bench\","u8;
    private static ReadOnlySpan<byte> DataField => "\"data\":\""u8;

    public static string Build(int run, int seq, long timestamp, int minSize)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{run}.{seq}.{timestamp}.");
        return text.Length >= minSize ? text : text.PadRight(minSize, 'x');
    }

    /// <summary>Reads run, sequence number and timestamp from a server frame; false for any other frame.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out int run, out int seq, out long timestamp)
    {
        run = seq = 0;
        timestamp = 0;
        if (!frame.StartsWith(Prefix)) return false;
        var at = frame.IndexOf(DataField);
        if (at < 0) return false;
        var rest = frame[(at + DataField.Length)..];
        if (!Utf8Parser.TryParse(rest, out run, out var used) || rest.Length <= used || rest[used] != '.') return false;
        rest = rest[(used + 1)..];
        if (!Utf8Parser.TryParse(rest, out seq, out used) || rest.Length <= used || rest[used] != '.') return false;
        rest = rest[(used + 1)..];
        return Utf8Parser.TryParse(rest, out timestamp, out used) && rest.Length > used && rest[used] == '.';
    }
}
