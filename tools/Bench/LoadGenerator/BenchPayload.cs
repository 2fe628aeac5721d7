using System.Buffers.Text;
using System.Globalization;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// The <c>data</c> of benchmark events: <c>phase.seq.timestamp.</c> padded with 'x' to the payload size. It needs
/// no JSON escaping, so the server passes it through byte for byte and it can be read back from the frame without a
/// JSON parser. The timestamp is the <see cref="System.Diagnostics.Stopwatch"/> time taken just before the trigger.
/// </summary>
public static class BenchPayload
{
    public const string EventName = "bench";

    private static ReadOnlySpan<byte> DataField => "\"data\":\""u8;

    public static string Build(int phase, int seq, long timestamp, int size)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{phase}.{seq}.{timestamp}.");
        return text.Length >= size ? text : text.PadRight(size, 'x');
    }

    /// <summary>Reads phase, sequence number and timestamp from a benchmark event's frame; false for anything else.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out int phase, out int seq, out long timestamp)
    {
        phase = seq = 0;
        timestamp = 0;
        var at = json.IndexOf(DataField);
        if (at < 0) return false;
        var rest = json[(at + DataField.Length)..];
        if (!Utf8Parser.TryParse(rest, out phase, out var used) || rest.Length <= used || rest[used] != '.') return false;
        rest = rest[(used + 1)..];
        if (!Utf8Parser.TryParse(rest, out seq, out used) || rest.Length <= used || rest[used] != '.') return false;
        rest = rest[(used + 1)..];
        return Utf8Parser.TryParse(rest, out timestamp, out used) && rest.Length > used && rest[used] == '.';
    }
}
