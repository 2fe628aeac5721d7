using System.Diagnostics;

namespace Broadcaster.Bench;

/// <summary>
/// Bookkeeping of one measured run: how many of the run's events each client has received, when every client had
/// them all, and (for latency runs) each delivery's trigger-to-receive time.
/// </summary>
public sealed class RunState
{
    private readonly int[] _perClient;
    private readonly int[] _perEvent;
    private readonly long[]? _latencies;
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _eventDone = new(0);
    private int _clientsLeft;
    private int _duplicates;

    public RunState(int runId, int clients, int events, bool recordLatency)
    {
        RunId = runId;
        Clients = clients;
        Events = events;
        _perClient = new int[clients];
        _perEvent = new int[events];
        Array.Fill(_perEvent, clients);
        _clientsLeft = clients;
        if (recordLatency) _latencies = new long[clients * events];
    }

    public int RunId { get; }
    public int Clients { get; }
    public int Events { get; }

    /// <summary>Completes with the timestamp at which the last client received its last event of the run.</summary>
    public Task<long> Completion => _done.Task;

    public int Duplicates => Volatile.Read(ref _duplicates);

    /// <summary>Called from client <paramref name="client"/>'s receive loop only, so per-client state needs no locking.</summary>
    public void Record(int client, int seq, long sentAt, long receivedAt)
    {
        if ((uint)seq >= (uint)Events) return;
        if (_perClient[client] >= Events)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }
        if (_latencies is not null) _latencies[client * Events + seq] = receivedAt - sentAt;
        if (Interlocked.Decrement(ref _perEvent[seq]) == 0) _eventDone.Release();
        if (++_perClient[client] == Events && Interlocked.Decrement(ref _clientsLeft) == 0) _done.TrySetResult(receivedAt);
    }

    public void Fail(Exception error)
    {
        _done.TrySetException(error);
        _eventDone.Release();
    }

    /// <summary>Waits until one more event has reached every client (latency runs send one event at a time).</summary>
    public async Task WaitForNextEventAsync(int seq, TimeSpan timeout, CancellationToken cancel)
    {
        if (_done.Task.IsFaulted) await _done.Task;
        if (!await _eventDone.WaitAsync(timeout, cancel))
            throw new TimeoutException($"event {seq} of run {RunId} reached {Clients - Volatile.Read(ref _perEvent[seq])} of {Clients} clients within {timeout.TotalSeconds}s");
        if (_done.Task.IsFaulted) await _done.Task;
    }

    /// <summary>Waits for every client to have every event, or fails with how far they got.</summary>
    public async Task<long> WaitAllAsync(TimeSpan timeout, CancellationToken cancel)
    {
        try
        {
            return await _done.Task.WaitAsync(timeout, cancel);
        }
        catch (TimeoutException)
        {
            var complete = _perClient.Count(n => n >= Events);
            var received = _perClient.Sum(n => (long)n);
            throw new TimeoutException($"run {RunId}: after {timeout.TotalSeconds}s {complete} of {Clients} clients had all {Events} events ({received} of {(long)Clients * Events} deliveries)");
        }
    }

    /// <summary>Every delivery's latency in milliseconds, sorted ascending.</summary>
    public double[] SortedLatenciesMs()
    {
        if (_latencies is null) throw new InvalidOperationException("this run did not record latencies");
        var ms = new double[_latencies.Length];
        for (var i = 0; i < ms.Length; i++) ms[i] = _latencies[i] * 1000.0 / Stopwatch.Frequency;
        Array.Sort(ms);
        return ms;
    }
}
