namespace Broadcaster.Actors.Apps;

/// <summary>
/// A count with a ceiling that many threads take from and give back to without a lock: the node's connection slots
/// and each app's. Taking is one compare-and-swap loop, so two threads racing for the last slot never both get it.
/// </summary>
public sealed class SlotCounter
{
    private int _taken;

    public int Taken => Volatile.Read(ref _taken);

    /// <summary>Takes a slot unless <paramref name="max"/> are already taken.</summary>
    public bool TryTake(int max)
    {
        while (true)
        {
            var current = Volatile.Read(ref _taken);
            if (current >= max) return false;
            if (Interlocked.CompareExchange(ref _taken, current + 1, current) == current) return true;
        }
    }

    /// <summary>Gives a slot back; never below zero.</summary>
    public void Release()
    {
        while (true)
        {
            var current = Volatile.Read(ref _taken);
            if (current == 0 || Interlocked.CompareExchange(ref _taken, current - 1, current) == current) return;
        }
    }
}
