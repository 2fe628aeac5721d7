using System.Diagnostics;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// Offers a load at a fixed rate whatever the server does with it (an open loop): event i is due at i / rate
/// seconds after the start, and every due event is started, a bounded number in flight. When the server answers
/// slower than the rate, events start late, and the achieved rate says so.
/// </summary>
public static class PacedSender
{
    /// <summary>
    /// Starts <paramref name="events"/> sends at <paramref name="perSecond"/>, or fewer when <paramref name="stop"/>
    /// is signalled (the sends already started finish); returns how many were started.
    /// </summary>
    public static async Task<int> RunAsync(int events, double perSecond, int maxInFlight, Func<int, Task> send, CancellationToken stop)
    {
        using var inFlight = new SemaphoreSlim(maxInFlight);
        var running = new List<Task>(events);
        var started = Stopwatch.GetTimestamp();
        var next = 0;
        try
        {
            while (next < events && !stop.IsCancellationRequested)
            {
                var due = Math.Min(events, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * perSecond) + 1);
                while (next < due)
                {
                    await inFlight.WaitAsync(stop);
                    var seq = next++;
                    running.Add(SendOneAsync(seq));
                }
                if (next < events) await Task.Delay(1, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped early: what was started still finishes below.
        }
        await Task.WhenAll(running);
        return next;

        async Task SendOneAsync(int seq)
        {
            try
            {
                await send(seq);
            }
            finally
            {
                inFlight.Release();
            }
        }
    }
}
