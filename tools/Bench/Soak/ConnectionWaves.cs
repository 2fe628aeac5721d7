using System.Diagnostics;
using Broadcaster.Bench.LoadGenerator;
using Broadcaster.Bench.Scenarios;

namespace Broadcaster.Bench.Soak;

/// <summary>
/// The soak's connection churn, one wave after another until the run ends: a wave's clients connect, subscribe to
/// the steady channel, to a channel of the wave's own and to one of the wave's presence channels (all three new to
/// the node, and vacated when the wave leaves); a few events on the wave's channel must reach all of them once;
/// they stay a few seconds, hearing the steady events, and leave: a third unsubscribing and closing, a third
/// closing, a third with a reset.
/// </summary>
public sealed class ConnectionWaves(ClientSettings settings, BenchApp app, TriggerClient trigger, TriggerLog steadyLog, SoakSizes sizes, ScenarioContext context)
{
    private const int FirstWavePhase = 1_000;
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    // After a wave has left: the steady triggers still under way finish, so the window check sees their acceptance.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public WaveTally Tally { get; } = new();

    /// <summary>
    /// Waves until <paramref name="stop"/>; the wave under way when it comes finishes. <paramref name="between"/> runs
    /// after each wave has left, when only the clients that stay all run long are connected: the same state every time.
    /// </summary>
    public async Task RunAsync(Func<Task> between, CancellationToken stop)
    {
        for (var wave = 1; !stop.IsCancellationRequested; wave++)
        {
            try
            {
                await RunWaveAsync(wave);
                await between();
            }
            catch (Exception e) when (!context.Cancel.IsCancellationRequested)
            {
                Tally.Errors++;
                Tally.FirstError ??= $"wave {wave}: {e.GetType().Name}: {e.Message}";
                context.Log($"soak: wave {wave} failed: {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private async Task RunWaveAsync(int wave)
    {
        var cancel = context.Cancel;
        var listener = new WaveListener(sizes.WaveClients, steadyLog.Capacity);
        var channel = $"soak-wave-{wave}";
        var pool = await ClientPool.ConnectAsync(settings, sizes.WaveClients, listener, cancel);
        try
        {
            Tally.Connections += pool.Count;
            await SubscribeAsync(pool.Clients, wave, channel, cancel);
            var stay = Stopwatch.StartNew();
            await DeliverAsync(pool.Clients, listener, wave, channel, cancel);
            var rest = sizes.WaveHold - stay.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest, cancel);

            var open = pool.Clients.Where(c => !c.IsClosed).ToList();
            Tally.ClosedByServer += pool.Count - open.Count;
            await LeaveAsync(open, wave, channel, cancel);
            await Task.Delay(Settle, cancel);
            foreach (var client in open)
            {
                var (expected, missing) = SteadyWindow.Check(steadyLog, listener.SteadySeen(client.Index));
                Tally.SteadyExpected += expected;
                Tally.SteadyMissing += missing;
                Tally.SteadyReceived += listener.SteadyReceived(client.Index);
                Tally.SteadyDuplicated += listener.SteadyDuplicates(client.Index);
            }
            Tally.Waves++;
        }
        finally
        {
            pool.Dispose();
        }
    }

    private async Task SubscribeAsync(IReadOnlyList<ClientSocket> clients, int wave, string channel, CancellationToken cancel)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(64, clients.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < clients.Count)
            {
                cancel.ThrowIfCancellationRequested();
                var client = clients[i];
                await client.SubscribeAsync(SteadyFanout.Channel, SubscribeTimeout);
                await client.SubscribeAsync(channel, SubscribeTimeout);
                await client.SubscribeAsync(SubscribeMessages.Presence(app, client.SocketId, PresenceChannel(wave, client), $"wave-{wave}-{i}"), SubscribeTimeout);
            }
        }));
    }

    /// <summary>The wave's own events: every client, in the channel from before the first, must receive each once.</summary>
    private async Task DeliverAsync(IReadOnlyList<ClientSocket> clients, WaveListener listener, int wave, string channel, CancellationToken cancel)
    {
        var phase = FirstWavePhase + wave;
        listener.Wave.Begin(phase, [sizes.WaveEvents]);
        for (var seq = 0; seq < sizes.WaveEvents; seq++)
        {
            if (await trigger.TriggerAsync(channel, BenchPayload.Build(phase, seq, Stopwatch.GetTimestamp(), sizes.PayloadBytes), cancel))
                listener.Wave.Accepted(0, seq);
            else
                Tally.FailedTriggers++;
        }
        await listener.Wave.WaitDrainedAsync(clients, Quiet, DrainLimit, cancel);
        Tally.WaveExpected += listener.Wave.Expected(clients);
        var tally = listener.Wave.Tally(clients);
        Tally.WaveReceived += tally.Received;
        Tally.WaveLost += tally.Lost;
        Tally.WaveDuplicated += tally.Duplicates;
    }

    private async Task LeaveAsync(IReadOnlyList<ClientSocket> clients, int wave, string channel, CancellationToken cancel)
    {
        var closing = new List<ClientSocket>();
        foreach (var client in clients)
        {
            switch (client.Index % 3)
            {
                case 0:
                    client.Unsubscribe(SteadyFanout.Channel);
                    client.Unsubscribe(channel);
                    client.Unsubscribe(PresenceChannel(wave, client));
                    client.Close();
                    closing.Add(client);
                    Tally.PoliteLeaves++;
                    break;
                case 1:
                    client.Close();
                    closing.Add(client);
                    Tally.Closes++;
                    break;
                default:
                    client.Abort();
                    Tally.Resets++;
                    break;
            }
        }
        await QuietWait.UntilAsync(() => closing.All(c => c.IsClosed), () => closing.Count(c => c.IsClosed), CloseTimeout, cancel);
        Tally.UnansweredCloses += closing.Count(c => !c.IsClosed);
    }

    private string PresenceChannel(int wave, ClientSocket client) => $"presence-soak-wave-{wave}-{client.Index / sizes.WavePresenceMembers}";
}
