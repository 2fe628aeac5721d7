using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using Broadcaster.Bench.LoadGenerator;

namespace Broadcaster.Bench.Measure;

/// <summary>
/// Which benchmark event each client has received in the current phase: a bit per (client, sequence number), so a
/// duplicate is a bit already set and a lost delivery a bit never set for an event the server accepted. Latencies
/// go into one histogram per thread and client group. Per-client state is written only by that client's receive
/// path; nothing is allocated per delivery.
/// </summary>
public sealed class DeliveryLedger : ClientListener
{
    private static readonly double TicksPerMicrosecond = Stopwatch.Frequency / 1_000_000.0;
    private readonly int[] _channelOf;
    private readonly int _groups;
    private readonly ConcurrentDictionary<int, int> _closeCodes = new();
    private volatile Phase? _phase;
    private long _stray;

    /// <param name="capacity">Client indexes run from 0 to capacity - 1.</param>
    /// <param name="groups">Latencies are kept apart per <see cref="ClientSocket.Group"/> (0 to groups - 1).</param>
    public DeliveryLedger(int capacity, int groups = 1)
    {
        _channelOf = new int[capacity];
        _groups = groups;
    }

    /// <summary>How many times the server closed a client, by close code (1006: dropped without a close frame).</summary>
    public IReadOnlyDictionary<int, int> CloseCodes => _closeCodes;

    /// <summary>Events of another phase or beyond the phase's sequence numbers.</summary>
    public long Stray => Interlocked.Read(ref _stray);

    /// <summary>Client <paramref name="client"/> is subscribed to channel number <paramref name="channel"/> of the phases.</summary>
    public void Assign(int client, int channel) => _channelOf[client] = channel;

    /// <summary>Starts counting phase <paramref name="phase"/>, in which channel c carries eventsPerChannel[c] events.</summary>
    public void Begin(int phase, int[] eventsPerChannel)
    {
        var seen = new ulong[_channelOf.Length][];
        for (var i = 0; i < seen.Length; i++) seen[i] = new ulong[(eventsPerChannel[_channelOf[i]] + 63) / 64];
        _phase = new Phase(phase, seen, eventsPerChannel.Select(n => new ulong[(n + 63) / 64]).ToArray(), _channelOf.Length, _groups);
    }

    /// <summary>The server answered 200 to the trigger of (channel, seq): from now on every subscriber must receive it once.</summary>
    public void Accepted(int channel, int seq)
    {
        var phase = _phase ?? throw new InvalidOperationException("no phase begun");
        Interlocked.Or(ref phase.Accepted[channel][seq >> 6], 1UL << (seq & 63));
    }

    public override void OnEvent(ClientSocket client, int phase, int seq, long sentAt, long receivedAt)
    {
        var state = _phase;
        var i = client.Index;
        if (state is null || state.Id != phase || (uint)seq >= (uint)(state.Seen[i].Length * 64))
        {
            Interlocked.Increment(ref _stray);
            return;
        }
        ref var word = ref state.Seen[i][seq >> 6];
        var bit = 1UL << (seq & 63);
        if ((word & bit) != 0)
        {
            state.Duplicates[i]++;
            return;
        }
        word |= bit;
        state.Received[i]++;
        if (receivedAt > state.LastReceivedAt[i]) state.LastReceivedAt[i] = receivedAt;
        state.Latency.Value![client.Group].Record((long)((receivedAt - sentAt) / TicksPerMicrosecond));
    }

    public override void OnClosed(ClientSocket client, int code) => _closeCodes.AddOrUpdate(code, 1, (_, n) => n + 1);

    /// <summary>Deliveries received so far in this phase (each event counted once per client).</summary>
    public long Received()
    {
        var state = _phase;
        if (state is null) return 0;
        long sum = 0;
        for (var i = 0; i < state.Received.Length; i++) sum += Volatile.Read(ref state.Received[i]);
        return sum;
    }

    /// <summary>Deliveries the clients that are still open must receive: every accepted event of their channel.</summary>
    public long Expected(IEnumerable<ClientSocket> clients)
    {
        var state = _phase ?? throw new InvalidOperationException("no phase begun");
        var perChannel = state.Accepted.Select(Count).ToArray();
        return clients.Where(c => !c.IsClosed).Sum(c => perChannel[_channelOf[c.Index]]);
    }

    /// <summary>
    /// Waits until the open clients have every accepted delivery, or nothing arrived for <paramref name="quiet"/>, or
    /// <paramref name="limit"/> passed; true in the first case.
    /// </summary>
    public async Task<bool> WaitDrainedAsync(IReadOnlyList<ClientSocket> clients, TimeSpan quiet, TimeSpan limit, CancellationToken cancel)
    {
        var started = Stopwatch.GetTimestamp();
        var lastChange = started;
        var last = -1L;
        while (true)
        {
            var received = Received();
            if (received >= Expected(clients)) return true;
            if (received != last)
            {
                last = received;
                lastChange = Stopwatch.GetTimestamp();
            }
            if (Stopwatch.GetElapsedTime(lastChange) > quiet || Stopwatch.GetElapsedTime(started) > limit) return false;
            await Task.Delay(50, cancel);
        }
    }

    /// <summary>The phase's figures for <paramref name="clients"/> (call once the phase has drained).</summary>
    public DeliveryTally Tally(IEnumerable<ClientSocket> clients)
    {
        var state = _phase ?? throw new InvalidOperationException("no phase begun");
        long received = 0, duplicates = 0, lost = 0, last = 0;
        int closed = 0, lostClients = 0;
        var lostEvents = state.Accepted.Select(bits => new ulong[bits.Length]).ToArray();
        foreach (var client in clients)
        {
            var i = client.Index;
            received += state.Received[i];
            duplicates += state.Duplicates[i];
            last = Math.Max(last, state.LastReceivedAt[i]);
            if (client.IsClosed)
            {
                closed++;
                continue;
            }
            var accepted = state.Accepted[_channelOf[i]];
            var seen = state.Seen[i];
            var missing = 0;
            for (var w = 0; w < accepted.Length; w++)
            {
                var bits = accepted[w] & ~seen[w];
                missing += BitOperations.PopCount(bits);
                lostEvents[_channelOf[i]][w] |= bits;
            }
            lost += missing;
            if (missing > 0) lostClients++;
        }
        var latency = Enumerable.Range(0, _groups).Select(_ => new LatencyHistogram()).ToArray();
        foreach (var perThread in state.Latency.Values)
            for (var g = 0; g < _groups; g++) latency[g].Add(perThread[g]);
        return new DeliveryTally(received, duplicates, lost, closed, last, latency)
        {
            LostEvents = lostEvents.Sum(Count),
            LostClients = lostClients,
        };
    }

    private static long Count(ulong[] bits)
    {
        long n = 0;
        for (var i = 0; i < bits.Length; i++) n += BitOperations.PopCount(Volatile.Read(ref bits[i]));
        return n;
    }

    private sealed class Phase(int id, ulong[][] seen, ulong[][] accepted, int clients, int groups)
    {
        public int Id { get; } = id;
        public ulong[][] Seen { get; } = seen;
        public ulong[][] Accepted { get; } = accepted;
        public long[] Received { get; } = new long[clients];
        public long[] Duplicates { get; } = new long[clients];
        public long[] LastReceivedAt { get; } = new long[clients];
        public ThreadLocal<LatencyHistogram[]> Latency { get; } =
            new(() => Enumerable.Range(0, groups).Select(_ => new LatencyHistogram()).ToArray(), trackAllValues: true);
    }
}
