using System.Buffers.Binary;
using System.Collections.Concurrent;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Fuzzing;

namespace Broadcaster.Bench.Fuzz;

/// <summary>What a fuzz run tried and what the node answered: cases, moves, bytes, frames checked, and how connections ended.</summary>
public sealed class FuzzTally
{
    private static ReadOnlySpan<byte> ErrorPrefix => "{\"event\":\"pusher:error\""u8;
    private readonly ConcurrentDictionary<string, long> _moves = new();
    private readonly ConcurrentDictionary<int, long> _closeCodes = new();
    private readonly ConcurrentDictionary<int, long> _errorCodes = new();
    private long _cases;
    private long _bytes;
    private long _frames;

    public long Cases => Interlocked.Read(ref _cases);
    public long Frames => Interlocked.Read(ref _frames);
    public long Bytes => Interlocked.Read(ref _bytes);
    public long Moves => _moves.Values.Sum();

    public void Sent(FuzzMove move)
    {
        Interlocked.Add(ref _bytes, move.Bytes.Length);
        // The kind of move, without the values that vary ("text mutated: {...}" counts as "text mutated").
        var kind = move.Description.Split(':')[0];
        _moves.AddOrUpdate(char.IsDigit(kind[0]) ? "many subscriptions in a row" : kind, 1, (_, n) => n + 1);
    }

    /// <summary>One case's answers, all of them checked.</summary>
    public void Answered(IReadOnlyList<ServerFrame> frames)
    {
        Interlocked.Increment(ref _cases);
        Interlocked.Add(ref _frames, frames.Count);
        foreach (var frame in frames)
        {
            if (frame.Opcode == ServerFrameRules.Close)
                _closeCodes.AddOrUpdate(frame.Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) : 1005, 1, (_, n) => n + 1);
            else if (frame.Opcode == ServerFrameRules.Text && frame.Payload.AsSpan().StartsWith(ErrorPrefix))
                _errorCodes.AddOrUpdate(PusherMessage.ReadErrorCode(frame.Payload), 1, (_, n) => n + 1);
        }
    }

    /// <summary>Lines for the report: the moves by kind, the close codes and pusher:error codes the node answered with.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"moves by kind: {Join(_moves.OrderByDescending(m => m.Value).Select(m => $"{m.Key} {m.Value:#,0}"))}";
        yield return $"connections the node closed, by close code: {Join(_closeCodes.OrderBy(c => c.Key).Select(c => $"{c.Key} ×{c.Value:#,0}"))}";
        yield return $"pusher:error answers, by code: {Join(_errorCodes.OrderBy(c => c.Key).Select(c => $"{(c.Key == 0 ? "null" : c.Key)} ×{c.Value:#,0}"))}";
    }

    private static string Join(IEnumerable<string> parts) => string.Join(", ", parts.DefaultIfEmpty("none"));
}
