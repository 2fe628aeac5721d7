using Akka.Actor;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// One timer for every connection's deadlines (activity, pong, authorization) instead of a timer per connection: a
/// hashed wheel of <see cref="Tick"/>-long slots. A connection schedules only its next deadline; when it fires, the
/// connection looks at its clock and either acts or schedules the next one, so activity in between costs nothing
/// here. The tick is as coarse as the deadlines allow (a quarter of the shortest, at most a second): every tick wakes
/// a thread, and on an idle node those wake-ups are most of the CPU it uses.
/// </summary>
public sealed class LivenessWheel : IDisposable
{
    private const int Slots = 4096;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly List<(IActorRef Target, object Message, long Due)>?[] _slots = new List<(IActorRef, object, long)>?[Slots];
    private ITimer? _timer;
    private long _done;
    private bool _disposed;

    /// <param name="shortestDeadline">The shortest delay connections schedule; deadlines fire up to a quarter of it late.</param>
    public LivenessWheel(TimeProvider time, TimeSpan shortestDeadline)
    {
        _time = time;
        _origin = time.GetTimestamp();
        Tick = TimeSpan.FromTicks(Math.Clamp(shortestDeadline.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
    }

    /// <summary>The wheel's resolution.</summary>
    public TimeSpan Tick { get; }

    /// <summary>Slots holding a list (deadlines waiting, or not yet visited since they were emptied).</summary>
    public int SlotsHeld
    {
        get
        {
            lock (_gate) return _slots.Count(s => s is not null);
        }
    }

    /// <summary>Tells <paramref name="target"/> <paramref name="message"/> once <paramref name="delay"/> has passed (rounded up to a tick).</summary>
    public void Schedule(IActorRef target, object message, TimeSpan delay)
    {
        lock (_gate)
        {
            if (_disposed) return;
            var due = Math.Max(TickOf(_time.GetElapsedTime(_origin) + delay, up: true), _done + 1);
            (_slots[due & (Slots - 1)] ??= []).Add((target, message, due));
            _timer ??= _time.CreateTimer(_ => Advance(), null, Tick, Tick);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
        }
    }

    /// <summary>Fires everything due up to now; an entry more than a turn of the wheel away waits for its turn.</summary>
    private void Advance()
    {
        List<(IActorRef Target, object Message)>? due = null;
        lock (_gate)
        {
            var now = TickOf(_time.GetElapsedTime(_origin), up: false);
            // After a long pause (a busy machine), at most one turn of slots needs visiting: they hold everything.
            for (var tick = Math.Max(_done + 1, now - Slots + 1); tick <= now; tick++)
            {
                var index = tick & (Slots - 1);
                if (_slots[index] is not { Count: > 0 } slot) continue;
                for (var i = slot.Count - 1; i >= 0; i--)
                {
                    if (slot[i].Due > now) continue;
                    (due ??= []).Add((slot[i].Target, slot[i].Message));
                    slot.RemoveAt(i);
                }
                // An emptied slot lets its list go: kept, each of the 4,096 would hold the capacity of the busiest
                // second it ever had (a reconnect storm) for the node's life. The next deadline there makes a small one.
                if (slot.Count == 0) _slots[index] = null;
            }
            _done = Math.Max(_done, now);
        }
        // Told outside the lock: a Tell may run into a full mailbox's back-pressure, the wheel must not hold others up.
        if (due is null) return;
        foreach (var (target, message) in due) target.Tell(message, ActorRefs.NoSender);
    }

    private long TickOf(TimeSpan elapsed, bool up) =>
        up ? (elapsed.Ticks + Tick.Ticks - 1) / Tick.Ticks : elapsed.Ticks / Tick.Ticks;
}
