using System.Collections.Concurrent;
using Broadcaster.Bench.LoadGenerator;

namespace Broadcaster.Bench.Fuzz;

/// <summary>
/// The well-behaved client subscribed beside the fuzzed ones: after every case an event is triggered for it, numbered
/// by the case, and it must arrive, once. Whatever hostile clients do must not reach it.
/// </summary>
public sealed class Bystander : ClientListener
{
    public const string Channel = "fuzz-bystander";

    private readonly ConcurrentDictionary<int, TaskCompletionSource> _expected = new();
    private readonly ConcurrentDictionary<int, byte> _seen = new();
    private long _duplicates;
    private int _closeCode;

    /// <summary>Events that arrived a second time.</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>0 while the server keeps it open, else the code it was closed with (1006: dropped).</summary>
    public int CloseCode => Volatile.Read(ref _closeCode);

    /// <summary>Call before triggering event <paramref name="seq"/>; the task completes when it arrives.</summary>
    public Task Expect(int seq) =>
        _expected.GetOrAdd(seq, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public override void OnEvent(ClientSocket client, int phase, int seq, long sentAt, long receivedAt)
    {
        if (!_seen.TryAdd(seq, 0))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        if (_expected.TryRemove(seq, out var arrived)) arrived.TrySetResult();
    }

    public override void OnClosed(ClientSocket client, int code) => Volatile.Write(ref _closeCode, code);
}
