using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Tests.Cluster;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Xunit;

namespace Broadcaster.Actors.Tests.Guardian;

/// <summary>
/// The node guardian's one supervision policy, as docs/architecture.md states it: an actor that fails on a message
/// keeps its state (a channel's subscribers keep receiving its events), and a node whose core actor stops shuts down
/// so that its supervisor starts it again.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeGuardianTests : ClusterTestBase
{
    private const string Channel = "news";

    [Fact]
    public void The_node_guardian_starts_every_actor_at_its_path()
    {
        var node = StartCluster(1)[0];

        var paths = new[] { node.Refs.Connections, node.Refs.Channels, node.Refs.Presence, node.Refs.Bus, node.Refs.Status, node.Refs.Restarts }
            .Select(r => r.Path.ToStringWithoutAddress());
        Assert.Equal(["/user/node/connections", "/user/node/channels", "/user/node/presence", "/user/node/bus", "/user/node/status", "/user/node/restarts"], paths);
    }

    [Fact]
    public void A_channel_actor_that_fails_on_a_message_keeps_its_subscribers_and_they_keep_receiving_events()
    {
        var node = StartCluster(1)[0];
        var a = NewSubscriber();
        var b = NewSubscriber();
        Subscribe(node, a);
        a.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        var faulty = new FaultySocket(SocketId.New(), CreateTestProbe().Ref);
        faulty.Arm();

        // The channel actor throws while handling this subscribe (it reads the socket id).
        node.Channels.Tell(new ChannelEnvelope(AppId, Channel, new Subscribe(faulty, CreateTestProbe().Ref, null)));
        Subscribe(node, b);
        b.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Publish(node, Channel, EventBytes("after-failure", Channel));

        a.Probe.ExpectFrame("after-failure");
        b.Probe.ExpectFrame("after-failure");
        // Resumed, not restarted: the same actor, with both subscribers and without the failed one.
        Assert.Equal(1, node.Ask<int>(node.Channels, GetChannelActorCount.Instance));
        Assert.Equal(2, node.Ask<ChannelCounts>(node.Channels, new ChannelCountsQuery(AppId, [Channel])).Subscriptions[Channel]);
    }

    [Fact]
    public void A_node_whose_core_actor_stops_shuts_down_for_its_supervisor_to_restart_it()
    {
        var node = StartCluster(1)[0];

        node.System.Stop(node.Refs.Status);

        AwaitCondition(() => node.System.WhenTerminated.IsCompleted, ClusterTimeout);
    }

    private static void Subscribe(ClusterNode node, Subscriber s) =>
        node.Channels.Tell(new ChannelEnvelope(AppId, Channel, new Subscribe(s.Socket, s.Connection.Ref, null)));
}
