using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Scenarios;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// The soak's presence churn: the presence scenario's watchers and churners (<see cref="PresenceChurn"/>), cycles of
/// join and leave offered at a fixed rate for the whole run, the watchers counting the member events they are owed.
/// </summary>
public sealed class PresenceLoad : IDisposable
{
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private readonly PresenceChurn _churn;
    private readonly ClientPool _watching;
    private readonly ClientPool _churning;
    private readonly SoakSizes _sizes;

    private PresenceLoad(PresenceChurn churn, ClientPool watching, ClientPool churning, SoakSizes sizes)
    {
        _churn = churn;
        _watching = watching;
        _churning = churning;
        _sizes = sizes;
    }

    public static async Task<PresenceLoad> StartAsync(ClientSettings settings, BenchApp app, SoakSizes sizes, CancellationToken cancel)
    {
        var churn = new PresenceChurn(sizes.PresenceWatchers, sizes.PresenceChurners);
        var watching = await ClientPool.ConnectAsync(settings, sizes.PresenceWatchers, churn, cancel);
        ClientPool? churning = null;
        try
        {
            churning = await ClientPool.ConnectAsync(settings, sizes.PresenceChurners, churn, cancel, firstIndex: sizes.PresenceWatchers);
            foreach (var watcher in watching.Clients) await watcher.SubscribeAsync(churn.Prepare(watcher, app), SubscribeTimeout);
            foreach (var churner in churning.Clients) churn.Prepare(churner, app);
            return new PresenceLoad(churn, watching, churning, sizes);
        }
        catch
        {
            churning?.Dispose();
            watching.Dispose();
            throw;
        }
    }

    /// <summary>Offers cycles until <paramref name="stop"/>, then waits for the cycles under way and for the watchers' member events.</summary>
    public async Task<PresenceOutcome> RunAsync(TimeSpan duration, CancellationToken stop, CancellationToken cancel)
    {
        var offered = (int)(_sizes.PresenceCyclesPerSecond * duration.TotalSeconds);
        await PacedSender.RunAsync(offered, _sizes.PresenceCyclesPerSecond, 1, _ =>
        {
            // Every churner busy: this cycle is not offered (at 20/s and 40 churners, only on a stalled node).
            _churn.TryStartCycle(_churning.Clients);
            return Task.CompletedTask;
        }, stop);
        await QuietWait.UntilAsync(() => _churn.Busy == 0, () => _churn.Cycles, Quiet, cancel);
        var expected = 2 * _churn.Cycles * _sizes.PresenceWatchers;
        await QuietWait.UntilAsync(() => _churn.MemberEvents >= expected, () => _churn.MemberEvents, Quiet, cancel);
        var closed = _watching.Count + _churning.Count - _watching.OpenCount - _churning.OpenCount;
        return new PresenceOutcome(_sizes.PresenceWatchers, _churn.Cycles, expected, _churn.MemberEvents, _churn.Busy, closed);
    }

    /// <summary>Every member leaves (reset).</summary>
    public void Dispose()
    {
        _churning.Dispose();
        _watching.Dispose();
    }
}
