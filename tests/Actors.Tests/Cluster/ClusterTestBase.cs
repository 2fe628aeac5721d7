using Akka.Actor;
using Akka.Cluster;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Guardian;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// Starts, joins and tears down several broadcaster nodes in the test process. The test kit's own system only
/// hosts the probes the fake sockets report to; the nodes are separate ActorSystems linked by real remoting.
/// </summary>
public abstract class ClusterTestBase : ActorTestBase
{
    /// <summary>Forming a cluster, detecting a crash and removing the node all fit well within this.</summary>
    protected static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(20);

    private readonly List<ClusterNode> _nodes = [];

    protected IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Starts <paramref name="count"/> nodes named A, B, C..., joins them and waits until every one is ready.</summary>
    /// <param name="configure">Changes each node's settings (given its name) before it starts.</param>
    protected IReadOnlyList<ClusterNode> StartCluster(int count, ProtocolLimits? limits = null,
        Func<string, NodeSettings, NodeSettings>? configure = null)
    {
        var nodes = Enumerable.Range(0, count).Select(i => StartNode(((char)('A' + i)).ToString(), limits, configure)).ToList();
        nodes[0].Cluster.Join(nodes[0].Address);
        foreach (var node in nodes.Skip(1)) node.Cluster.Join(nodes[0].Address);
        AwaitReady(nodes);
        return nodes;
    }

    /// <summary>
    /// A cluster whose nodes know <paramref name="app"/> (features and webhooks come from the app lookup) and hand their
    /// webhooks to a <see cref="RecordingWebhookSink"/> that tells <paramref name="webhooks"/>, when given.
    /// </summary>
    protected IReadOnlyList<ClusterNode> StartClusterFor(int count, PusherApp app, IActorRef? webhooks = null, TimeSpan? webhookDelay = null) =>
        StartCluster(count, configure: (name, s) => s with
        {
            Channels = s.Channels with { Apps = id => id == app.Id ? app : null },
            Webhooks = webhooks is null ? s.Webhooks : new RecordingWebhookSink(name, webhooks),
            WebhookDelay = webhookDelay ?? s.WebhookDelay,
        });

    /// <summary>Starts a node that has not joined any cluster yet; it is disposed with the test.</summary>
    protected ClusterNode StartNode(string name, ProtocolLimits? limits = null, Func<string, NodeSettings, NodeSettings>? configure = null)
    {
        var node = ClusterNode.Start(name, limits, configure: configure is null ? null : s => configure(name, s));
        lock (_nodes) _nodes.Add(node);
        return node;
    }

    /// <summary>Every node is Up, sees all of <paramref name="nodes"/> Up, and its bus reports ready with all others as peers.</summary>
    protected void AwaitReady(IReadOnlyList<ClusterNode> nodes, TimeSpan? timeout = null)
    {
        AwaitAssert(() =>
        {
            foreach (var node in nodes)
            {
                var state = node.Cluster.State;
                var up = state.Members.Count(m => m.Status == MemberStatus.Up);
                Assert.True(up == nodes.Count && state.Unreachable.Count == 0,
                    $"{node.Name} sees {up} Up members, expected {nodes.Count}; members [{string.Join(", ", state.Members)}], unreachable [{string.Join(", ", state.Unreachable)}]");
                var status = node.Status();
                Assert.True(status.Ready, $"{node.Name} not ready, waiting for [{string.Join(", ", status.Waiting)}]");
                Assert.Equal(nodes.Count - 1, status.Peers);
            }
        }, timeout ?? ClusterTimeout, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>A connection on <paramref name="node"/> with a recording socket whose probe lives in the test kit.</summary>
    protected Client Connect(ClusterNode node, PusherApp? app = null) => Connect(node.Connections, app);

    /// <summary>What the node's HTTP API does for <c>POST /events</c>: publish ready-made bytes on the cluster topic.</summary>
    protected static void Publish(ClusterNode node, string channel, byte[] frame, string? exceptSocketId = null) =>
        node.Refs.Publish(new ChannelEvent(AppId, channel, frame, exceptSocketId));

    protected static IReadOnlyList<string> MemberIds(ClusterNode node, string channel) =>
        node.Ask<ChannelMembers>(node.Presence, new GetMembers(new ChannelKey(AppId, channel)))
            .Members.Select(m => m.UserId).Order(StringComparer.Ordinal).ToList();

    /// <summary>The channel's subscriptions on <paramref name="node"/> and its cluster-wide user count as that node sees it.</summary>
    protected static ChannelInfo ChannelOf(ClusterNode node, string channel)
    {
        var subscriptions = node.Ask<ChannelCounts>(node.Channels, new ChannelCountsQuery(AppId, [channel])).Subscriptions[channel];
        var users = node.Ask<ChannelMembers>(node.Presence, new GetMembers(new ChannelKey(AppId, channel))).Members.Count;
        return new ChannelInfo(channel, subscriptions, users);
    }

    /// <summary>Every node lists exactly <paramref name="userIds"/> as members and counts as many users.</summary>
    protected void AwaitMembers(string channel, IEnumerable<ClusterNode> nodes, params string[] userIds)
    {
        var expected = userIds.Order(StringComparer.Ordinal).ToList();
        AwaitAssert(() =>
        {
            foreach (var node in nodes)
            {
                Assert.True(expected.SequenceEqual(MemberIds(node, channel)),
                    $"{node.Name} lists [{string.Join(",", MemberIds(node, channel))}], expected [{string.Join(",", expected)}]");
                Assert.Equal(expected.Count, ChannelOf(node, channel).UserCount);
            }
        }, ClusterTimeout, TimeSpan.FromMilliseconds(50));
    }

    protected static IReadOnlyList<string> PresenceIds(Frame subscriptionSucceeded) =>
        subscriptionSucceeded.DataJson.GetProperty("presence").GetProperty("ids").EnumerateArray()
            .Select(e => e.GetString()!).Order(StringComparer.Ordinal).ToList();

    protected static string UserIdOf(Frame memberFrame) => memberFrame.DataJson.GetProperty("user_id").GetString()!;

    protected static void Close(Client client) => client.Actor.Tell(SocketClosed.Instance);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClusterNode[] nodes;
            lock (_nodes) nodes = [.. _nodes];
            // Bounded: a node that does not stop in time must not hang the run.
            Task.WhenAll(nodes.Select(n => n.TerminateAsync())).Wait(TimeSpan.FromSeconds(10));
        }
        base.Dispose(disposing);
    }
}
