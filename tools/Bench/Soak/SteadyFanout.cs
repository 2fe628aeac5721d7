using System.Diagnostics;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Measure;
using Broadcaster.Bench.Scenarios;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// The soak's steady load: subscribers of one channel connected from start to end, and events triggered on it at a
/// fixed rate through the HTTP API for the whole run. Each must reach every subscriber once; the trigger times are
/// logged, so that the clients of the connection waves, subscribed to the same channel for a few seconds each, can
/// be held to the events of their own stay (<see cref="SteadyWindow"/>).
/// </summary>
public sealed class SteadyFanout : IDisposable
{
    public const int Phase = 1;
    public const string Channel = "soak-steady";

    // As in the stream scenarios: a delivery still under way on a busy machine when the wait ends would count as lost.
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    private readonly ClientPool _pool;
    private readonly DeliveryLedger _ledger;
    private readonly TriggerClient _trigger;
    private readonly SoakSizes _sizes;

    private SteadyFanout(ClientPool pool, DeliveryLedger ledger, TriggerClient trigger, SoakSizes sizes, TriggerLog log)
    {
        _pool = pool;
        _ledger = ledger;
        _trigger = trigger;
        _sizes = sizes;
        Log = log;
    }

    public TriggerLog Log { get; }

    /// <summary>
    /// Connects and subscribes the subscribers; <paramref name="events"/> is how many the run triggers at most,
    /// through <paramref name="trigger"/>.
    /// </summary>
    public static async Task<SteadyFanout> StartAsync(ClientSettings settings, TriggerClient trigger, SoakSizes sizes, int events, CancellationToken cancel)
    {
        var ledger = new DeliveryLedger(sizes.SteadySubscribers);
        var pool = await ClientPool.ConnectAsync(settings, sizes.SteadySubscribers, ledger, cancel);
        try
        {
            await pool.SubscribeAsync(_ => Channel, cancel);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
        ledger.Begin(Phase, [events]);
        return new SteadyFanout(pool, ledger, trigger, sizes, new TriggerLog(events));
    }

    /// <summary>Triggers until <paramref name="stop"/>, then waits until every subscriber has every accepted event.</summary>
    public async Task<SteadyOutcome> RunAsync(CancellationToken stop, CancellationToken cancel)
    {
        long accepted = 0;
        var triggered = await PacedSender.RunAsync(Log.Capacity, _sizes.SteadyEventsPerSecond, 64, async seq =>
        {
            var sentAt = Stopwatch.GetTimestamp();
            Log.Started(seq, sentAt);
            if (!await _trigger.TriggerAsync(Channel, BenchPayload.Build(Phase, seq, sentAt, _sizes.PayloadBytes), cancel)) return;
            Log.Accepted(seq, Stopwatch.GetTimestamp());
            _ledger.Accepted(0, seq);
            Interlocked.Increment(ref accepted);
        }, stop);
        await _ledger.WaitDrainedAsync(_pool.Clients, Quiet, DrainLimit, cancel);
        return new SteadyOutcome(_pool.Count, triggered, accepted, _trigger.Failures, _ledger.Tally(_pool.Clients));
    }

    /// <summary>The subscribers leave (reset).</summary>
    public void Dispose() => _pool.Dispose();
}
