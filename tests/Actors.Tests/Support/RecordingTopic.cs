using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>
/// Stands in for the DistributedPubSub mediator of a node alone in the test kit's (non-cluster) system. A node's bus
/// drops the copies of its own publications the topic hands back (their publisher delivered them locally), so this
/// topic delivers nothing: it only tells an optional probe what was published.
/// </summary>
public sealed class RecordingTopic : ReceiveActor
{
    public RecordingTopic(IActorRef? probe)
    {
        Receive<Publish>(p => probe?.Tell(p.Message));
    }

    public static Props Props(IActorRef? probe) => Akka.Actor.Props.Create(() => new RecordingTopic(probe));
}
