using System.Diagnostics;

namespace Broadcaster.Bench.Scenarios;

/// <summary>Waiting for the clients to have heard everything, without a fixed limit: as long as something still arrives.</summary>
public static class QuietWait
{
    /// <summary>Waits until <paramref name="done"/>, or until <paramref name="progress"/> stops moving for <paramref name="quiet"/>; true in the first case.</summary>
    public static async Task<bool> UntilAsync(Func<bool> done, Func<long> progress, TimeSpan quiet, CancellationToken cancel)
    {
        var last = progress();
        var changed = Stopwatch.GetTimestamp();
        while (!done())
        {
            if (progress() != last)
            {
                last = progress();
                changed = Stopwatch.GetTimestamp();
            }
            if (Stopwatch.GetElapsedTime(changed) > quiet) return false;
            await Task.Delay(20, cancel);
        }
        return true;
    }
}
