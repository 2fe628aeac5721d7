using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>Everything nodes send each other is bound to the bus serializer and survives the round trip unchanged.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BusSerializerTests : IDisposable
{
    private static readonly PresenceMember Alice = new("alice", """{"name":"Alice","tags":["ä","😀"]}""");

    private readonly ActorSystem _system = ActorSystem.Create(ClusterNode.SystemName, ClusterNode.Config);

    public static TheoryData<string, object> BusMessages() => new()
    {
        { "hello", new BusHello("akka.tcp://broadcaster@10.0.0.1:4053#123") },
        { "welcome", new BusWelcome("akka.tcp://broadcaster@10.0.0.2:4053#-7") },
        { "event", new ChannelEvent("app-1", "private-chat", new byte[] { 123, 0, 255, 34, 125 }, "123.456") },
        { "event without exception", new ChannelEvent("app-1", "news", "{\"event\":\"x\",\"data\":\"ü\"}"u8.ToArray(), null) },
        { "empty event", new ChannelEvent("", "c", ReadOnlyMemory<byte>.Empty, "") },
        { "event slice", new ChannelEvent("app-1", "news", new ReadOnlyMemory<byte>([9, 1, 2, 3, 9], 1, 3), null) },
        { "counts", new PeerConnectionCounts("node-a", new Dictionary<string, int> { ["app-1"] = 3, ["app-2"] = 0, ["äpp"] = int.MaxValue }) },
        { "no counts", new PeerConnectionCounts("node-a", new Dictionary<string, int>()) },
        { "join", new PresenceDelta("node-a", long.MaxValue, "app-1", "presence-room", Alice, true) },
        { "leave", new PresenceDelta("node-a", 1, "app-1", "presence-room", new PresenceMember("alice", "{}"), false) },
        { "snapshot request", new PresenceSnapshotRequest("node-b") },
        { "snapshot", new PresenceSnapshot("node-a", 42, [new("app-1", "presence-a", Alice), new("app-2", "presence-b", new PresenceMember("7", "null"))]) },
        { "empty snapshot", new PresenceSnapshot("node-a", 0, []) },
        { "channels query", new GetChannels("app-1") },
        { "channel list", new ChannelList([new ChannelInfo("news", 3, 0), new ChannelInfo("presence-room", 2, 5)]) },
        { "empty channel list", new ChannelList([]) },
        { "channel query", new GetChannel("app-1", "presence-room") },
        { "channel info", new ChannelInfo("presence-room", 0, 0) },
        { "restart node", new RestartNode("admin@10.0.0.9", 4500) },
        { "node status query", GetNodeStatus.Instance },
        { "node status", new NodeStatusReport("akka.tcp://broadcaster@10.0.0.1:4053#1", true, 10, 4, 12, 3) },
    };

    [Theory]
    [MemberData(nameof(BusMessages))]
    public void Every_bus_message_is_bound_to_the_bus_serializer_and_round_trips(string name, object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<BusSerializer>(serializer);
        Assert.Equal(BusSerializer.Id, serializer.Identifier);

        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.True(Same(message, back), $"{name}: {message} came back as {back}");
    }

    [Fact]
    public void Every_message_type_that_crosses_nodes_is_covered()
    {
        var crossing = typeof(IBusMessage).Assembly.GetTypes()
            .Where(t => typeof(IBusMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .Append(typeof(ChannelInfo))
            .Select(t => t.Name).Order().ToList();
        var covered = BusMessages().Select(row => row[1].GetType().Name).Distinct().Order().ToList();
        Assert.Equal(crossing, covered);
    }

    [Fact]
    public void Strangers_are_refused_not_serialized_by_accident()
    {
        var serializer = Assert.IsType<BusSerializer>(_system.Serialization.FindSerializerForType(typeof(IBusMessage)));
        Assert.Throws<ArgumentException>(() => serializer.Manifest("not a bus message"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("not a bus message"));
        Assert.Throws<ArgumentException>(() => serializer.FromBinary([], "?"));
    }

    private static bool Same(object expected, object actual) => (expected, actual) switch
    {
        (ChannelEvent e, ChannelEvent a) => (e.AppId, e.Channel, e.ExceptSocketId) == (a.AppId, a.Channel, a.ExceptSocketId) && e.Frame.Span.SequenceEqual(a.Frame.Span),
        (PeerConnectionCounts e, PeerConnectionCounts a) => e.Origin == a.Origin && e.Counts.Count == a.Counts.Count &&
                                                          e.Counts.All(p => a.Counts.TryGetValue(p.Key, out var n) && n == p.Value),
        (PresenceSnapshot e, PresenceSnapshot a) => (e.Origin, e.Sequence) == (a.Origin, a.Sequence) && e.Entries.SequenceEqual(a.Entries),
        (ChannelList e, ChannelList a) => e.Channels.SequenceEqual(a.Channels),
        _ => expected.Equals(actual),
    };

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(5));
}
