using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Broadcaster.Actors.Mailboxes;

/// <summary>
/// A mailbox queue that costs next to nothing while empty: a plain queue under its own lock, which starts without an
/// array and gives a grown one back once drained. Akka's default unbounded queue (a ConcurrentQueue) allocates a
/// 32-slot segment up front, about 1 KiB for every actor, which for idle connections was the largest single cost.
/// It is deque-based, so actors that stash (a presence channel waiting for its members) can use it: what a stash
/// puts back goes in front, on a small stack that is only ever created for them.
/// </summary>
public sealed class LeanMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private const int KeptCapacity = 16;

    private readonly Queue<Envelope> _queue = new();
    /// <summary>Put back in front by a stash; the stash puts its messages back last first, so popping keeps their order.</summary>
    private Stack<Envelope>? _front;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (_queue)
        {
            _queue.Enqueue(envelope);
            _count++;
        }
    }

    public void EnqueueFirst(Envelope envelope)
    {
        lock (_queue)
        {
            (_front ??= new Stack<Envelope>()).Push(envelope);
            _count++;
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        lock (_queue)
        {
            if (_front is { Count: > 0 } front)
            {
                envelope = front.Pop();
                _count--;
                return true;
            }
            if (!_queue.TryDequeue(out envelope)) return false;
            if (--_count == 0 && _queue.EnsureCapacity(0) > KeptCapacity) _queue.TrimExcess();
            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
    }
}
