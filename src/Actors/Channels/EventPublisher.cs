using Akka.Actor;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// Hands an event this node accepted (from the HTTP API or a client) to this node's channel directory and to the
/// cluster topic, as one step. One per node, shared by every path that accepts events.
/// </summary>
/// <remarks>
/// Two events accepted at once on different threads (two HTTP requests, or a request and a client event) could
/// otherwise be enqueued A then B locally but B then A on the topic, and this node's clients would see another order
/// than every other node's. Under the lock are two mailbox enqueues, nothing that waits.
/// </remarks>
public sealed class EventPublisher(IActorRef topic)
{
    private readonly Lock _order = new();

    /// <summary>The DistributedPubSub mediator events are published through.</summary>
    public IActorRef Topic { get; } = topic;

    /// <param name="directory">This node's <see cref="ChannelDirectory"/>, which delivers to local subscribers.</param>
    /// <param name="sender">The sender both copies carry (the bus drops the copy the topic hands back to its own node).</param>
    public void Publish(IActorRef directory, ChannelEvent channelEvent, IActorRef sender)
    {
        lock (_order)
        {
            directory.Tell(channelEvent, sender);
            ClusterTopic.Publish(Topic, channelEvent, sender);
        }
    }
}
