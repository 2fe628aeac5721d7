using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Broadcaster.Actors.Wire;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>
/// Stands in for the DistributedPubSub mediator of a node alone in the test kit's (non-cluster) system: what is
/// published comes back to this node only, as the real topic hands a node its own publications. Events go to the
/// channel directory and presence deltas to the presence actor; every publication is also told to an optional probe.
/// </summary>
public sealed class LoopbackTopic : ReceiveActor
{
    public sealed record Targets(IActorRef Channels, IActorRef Presence, IActorRef? Probe);

    private Targets? _targets;

    public LoopbackTopic()
    {
        Receive<Targets>(t => _targets = t);
        Receive<Publish>(p =>
        {
            if (_targets is null) return;
            _targets.Probe?.Tell(p.Message);
            switch (p.Message)
            {
                case ChannelEvent e: _targets.Channels.Tell(e, Sender); break;
                case PresenceDelta d: _targets.Presence.Tell(d, Sender); break;
            }
        });
    }
}
