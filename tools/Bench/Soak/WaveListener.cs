using System.Numerics;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// What the clients of one connection wave hear: the events of the wave's own channel, counted exactly by a
/// <see cref="DeliveryLedger"/>, and the steady channel's events, a bit per sequence number per client, judged
/// afterwards by <see cref="SteadyWindow"/>. One listener per wave, so a late callback of a wave that has left
/// cannot touch the next one's figures.
/// </summary>
public sealed class WaveListener(int clients, int steadyEvents) : ClientListener
{
    private readonly ulong[][] _steadySeen = Enumerable.Range(0, clients).Select(_ => new ulong[(steadyEvents + 63) / 64]).ToArray();
    private readonly long[] _steadyDuplicates = new long[clients];

    public DeliveryLedger Wave { get; } = new(clients);

    public override void OnEvent(ClientSocket client, int phase, int seq, long sentAt, long receivedAt)
    {
        if (phase != SteadyFanout.Phase)
        {
            Wave.OnEvent(client, phase, seq, sentAt, receivedAt);
            return;
        }
        if ((uint)seq >= (uint)steadyEvents) return;
        ref var word = ref _steadySeen[client.Index][seq >> 6];
        var bit = 1UL << (seq & 63);
        if ((word & bit) != 0) _steadyDuplicates[client.Index]++;
        word |= bit;
    }

    public override void OnClosed(ClientSocket client, int code) => Wave.OnClosed(client, code);

    public ReadOnlySpan<ulong> SteadySeen(int client) => _steadySeen[client];

    public long SteadyReceived(int client) => _steadySeen[client].Sum(w => (long)BitOperations.PopCount(w));

    public long SteadyDuplicates(int client) => _steadyDuplicates[client];
}
