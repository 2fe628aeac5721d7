using Akka.Actor;
using Broadcaster.Actors.Tests.Cluster;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Presence;
using Xunit;

namespace Broadcaster.Actors.Tests.Wire;

/// <summary>
/// Everything nodes send each other is bound to the wire serializer, survives the round trip unchanged, and has the
/// exact bytes pinned here: they are the contract with the other version of the server during a rolling restart, so
/// a change to them must be a deliberate new manifest, never an accident.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WireSerializerTests : IDisposable
{
    private static readonly PresenceMember Alice = new("alice", """{"n":"ä"}""");

    private readonly ActorSystem _system = ActorSystem.Create(ClusterNode.SystemName, ClusterNode.Config);

    /// <summary>Name, message, manifest and the pinned bytes in hex.</summary>
    public static TheoryData<string, object, string, string> WireMessages() => new()
    {
        { "event", new ChannelEvent("a1", "news", new byte[] { 123, 0, 255 }, "1.2"), "E", "026131046e6577730103312e32030000007b00ff00" },
        { "event without exception", new ChannelEvent("a1", "c", "x"u8.ToArray(), null), "E", "026131016300010000007800" },
        { "event slice", new ChannelEvent("a", "c", new ReadOnlyMemory<byte>([9, 1, 2, 9], 1, 2), null), "E", "016101630002000000010200" },
        { "api event", new ChannelEvent("a", "cache-c", "x"u8.ToArray(), null, FromApi: true), "E", "01610763616368652d6300010000007801" },
        { "join", new PresenceDelta("n1", long.MaxValue, "a1", "presence-r", Alice, true), "D", "026e31ffffffffffffff7f0261310a70726573656e63652d7205616c6963650a7b226e223a22c3a4227d01" },
        { "leave", new PresenceDelta("n1", 1, "a1", "presence-r", new PresenceMember("alice", "{}"), false), "D", "026e3101000000000000000261310a70726573656e63652d7205616c696365027b7d00" },
        { "snapshot request", new PresenceSnapshotRequest("n2"), "SQ", "026e32" },
        { "snapshot", new PresenceSnapshot("n1", 42, [new("a1", "presence-a", Alice), new("a2", "presence-b", new PresenceMember("7", "null"))]), "S", "026e312a00000000000000020000000261310a70726573656e63652d6105616c6963650a7b226e223a22c3a4227d0261320a70726573656e63652d620137046e756c6c" },
        { "empty snapshot", new PresenceSnapshot("n1", 0, []), "S", "026e31000000000000000000000000" },
        { "hello", new BusHello("akka.tcp://broadcaster@10.0.0.1:4053#123"), "H", "28616b6b612e7463703a2f2f62726f61646361737465724031302e302e302e313a3430353323313233" },
        { "welcome", new BusWelcome("n1", "n2"), "WF", "026e31026e32" },
        { "counts", new PeerConnectionCounts("n1", new Dictionary<string, int> { ["b"] = 0, ["a"] = 3, ["ä"] = int.MaxValue }), "C", "026e310300000001610300000001620000000002c3a4ffffff7f" },
        { "no counts", new PeerConnectionCounts("n1", new Dictionary<string, int>()), "C", "026e3100000000" },
        { "counts query for channels", new ChannelCountsQuery("a1", ["news", "presence-r"]), "CQ", "0261310102000000046e6577730a70726573656e63652d72" },
        { "counts query for all channels", new ChannelCountsQuery("a1", null), "CQ", "02613100" },
        { "channel counts", new ChannelCounts(new Dictionary<string, int> { ["news"] = 3, ["c"] = 0 }), "CA", "02000000016300000000046e65777303000000" },
        { "restart node", new RestartNode("admin", 4500), "R", "0561646d696e94110000" },
        { "node status query", GetNodeStatus.Instance, "NQ", "" },
        { "node status", new NodeStatusReport("n1", true, 10, 4, 12, 3), "N", "026e31010a000000040000000c00000003000000" },
        { "terminate user", new TerminateUser("a1", "42"), "TU", "026131023432" },
        { "channel snapshot request", new ChannelSnapshotRequest("n2"), "KQ", "026e32" },
        { "channel snapshot", new ChannelSnapshot("n1", [new("a1", "cache-p", "x"u8.ToArray(), 1500)], [new("a1", "news", 3)]), "K", "026e31010000000261310763616368652d700100000078dc0500000000000001000000026131046e65777303000000" },
        { "empty channel snapshot", new ChannelSnapshot("n1", [], []), "K", "026e310000000000000000" },
        { "channel count", new ChannelCountChanged("n1", "a1", "news", 12), "SC", "026e31026131046e6577730c000000" },
        { "own members query", new OwnMembersQuery("a1", ["presence-r"]), "MQ", "026131010000000a70726573656e63652d72" },
        { "statistics sample", new StatisticsSample("10.0.0.1:4053", 1_764_600_000_000, 60_000,
            [new StatisticsRow("a1", 5, 10, 40, 2), new StatisticsRow("a2", 0, 0, 0, long.MaxValue)]), "ST", "0d31302e302e302e313a34303533002e5bda9a01000060ea0000000000000200000002613105000000000000000a0000000000000028000000000000000200000000000000026132000000000000000000000000000000000000000000000000ffffffffffffff7f" },
        { "empty statistics sample", new StatisticsSample("n1", 0, 1000, []), "ST", "026e310000000000000000e80300000000000000000000" },
        { "statistics query", new StatisticsQuery("a1", 1_764_500_000_000, 1_764_600_000_000, 240_000), "STQ", "026131004d65d49a010000002e5bda9a01000080a9030000000000" },
        { "statistics answer", new StatisticsAnswer([new StatisticsBucket(1_764_600_000_000, "10.0.0.1:4053", 4, 5, 10, 40, 2)]), "STA", "01000000002e5bda9a0100000d31302e302e302e313a343035330400000005000000000000000a0000000000000028000000000000000200000000000000" },
        { "empty statistics answer", new StatisticsAnswer([]), "STA", "00000000" },
        { "node load query", NodeLoadQuery.Instance, "LQ", "" },
        { "node load", new NodeLoad("10.0.0.1:4053", [new AppLoad("a1", 3, 2, 10, 40, 1), new AppLoad("a2", 0, 0, 0, 0, 0)], NodeLoad.Draining), "L", "0d31302e302e302e313a343035330200000002613103000000020000000a0000000000000028000000000000000100000000000000026132000000000000000000000000000000000000000000000000000000000000000008647261696e696e67" },
        { "dashboard watch", new DashboardWatch("10.0.0.1:4053"), "DW", "0d31302e302e302e313a34303533" },
        { "live log", new LiveLogBatch("n1", [new ActivityEntry(1_764_600_000_000, "a1", "api_event", null, "news", "e", "api event e on news"),
            new ActivityEntry(1, "a1", "connected", "1.2", null, null, "connected to app a1")], 7), "LB", "026e310700000002000000002e5bda9a010000026131096170695f6576656e740001046e65777301016513617069206576656e742065206f6e206e657773010000000000000002613109636f6e6e65637465640103312e32000013636f6e6e656374656420746f20617070206131" },
        { "own members", new OwnMembers(new Dictionary<string, IReadOnlyList<string>> { ["presence-r"] = ["7", "alice"], ["presence-e"] = [] }), "MA", "020000000a70726573656e63652d65000000000a70726573656e63652d7202000000013705616c696365" },
    };

    [Theory]
    [MemberData(nameof(WireMessages))]
    public void Every_wire_message_has_its_pinned_bytes_and_round_trips(string name, object message, string manifest, string hex)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<WireSerializer>(serializer);
        Assert.Equal(WireSerializer.Id, serializer.Identifier);

        var bytes = serializer.ToBinary(message);
        Assert.Equal(manifest, Akka.Serialization.Serialization.ManifestFor(serializer, message));
        Assert.True(hex == Convert.ToHexStringLower(bytes), $"{name}: the bytes changed; they are now {Convert.ToHexStringLower(bytes)}");
        var back = _system.Serialization.Deserialize(Convert.FromHexString(hex), serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.True(Same(message, back), $"{name}: {message} came back as {back}");
    }

    [Fact]
    public void An_event_from_a_node_of_the_earlier_version_reads_as_not_from_the_api()
    {
        // The bytes of ChannelEvent before FromApi was appended: such events are delivered, never cached.
        var serializer = (WireSerializer)_system.Serialization.FindSerializerFor(new ChannelEvent("a", "c", Array.Empty<byte>(), null));
        var old = (ChannelEvent)serializer.FromBinary(Convert.FromHexString("0261310163000100000078"), "E");
        Assert.Equal(("a1", "c", null, false), (old.AppId, old.Channel, old.ExceptSocketId, old.FromApi));
        Assert.Equal("x"u8.ToArray(), old.Frame.ToArray());
    }

    [Fact]
    public void A_node_load_from_a_node_of_the_earlier_version_reads_as_serving()
    {
        // The bytes of NodeLoad before its state was appended: a node that answers serves.
        var serializer = (WireSerializer)_system.Serialization.FindSerializerFor(NodeLoadQuery.Instance);
        var old = (NodeLoad)serializer.FromBinary(Convert.FromHexString("0131020000000161030000000200000004000000000000000500000000000000060000000000000001620000000000000000000000000000000000000000000000000000000000000000"), "L");
        Assert.Equal(("1", NodeLoad.Serving), (old.Node, old.State));
        Assert.Equal([new AppLoad("a", 3, 2, 4, 5, 6), new AppLoad("b", 0, 0, 0, 0, 0)], old.Apps);
    }

    [Fact]
    public void Every_message_type_that_crosses_nodes_is_covered()
    {
        var crossing = typeof(IWireMessage).Assembly.GetTypes()
            .Where(t => typeof(IWireMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .Select(t => t.Name).Order().ToList();
        var covered = WireMessages().Select(row => row[1].GetType().Name).Distinct().Order().ToList();
        Assert.Equal(crossing, covered);
    }

    [Fact]
    public void The_wire_module_imports_nothing_else_from_the_actors()
    {
        var wire = typeof(IWireMessage).Namespace!;
        var foreign = typeof(IWireMessage).Assembly.GetTypes()
            .Where(t => t.Namespace == wire)
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static |
                                         System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Select(f => f.FieldType)
                .Concat(t.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)))
            .Where(t => t.Namespace?.StartsWith("Broadcaster.Actors", StringComparison.Ordinal) == true && t.Namespace != wire)
            .Select(t => t.FullName).Distinct().ToList();
        Assert.Empty(foreign);
    }

    [Fact]
    public void Strangers_are_refused_not_serialized_by_accident()
    {
        var serializer = Assert.IsType<WireSerializer>(_system.Serialization.FindSerializerForType(typeof(IWireMessage)));
        Assert.Throws<ArgumentException>(() => serializer.Manifest("not a wire message"));
        Assert.Throws<ArgumentException>(() => serializer.ToBinary("not a wire message"));
        Assert.Throws<ArgumentException>(() => serializer.FromBinary([], "?"));
        Assert.IsType<RefusingSerializer>(_system.Serialization.FindSerializerFor(new object()));
    }

    private static bool Same(object expected, object actual) => (expected, actual) switch
    {
        (ChannelEvent e, ChannelEvent a) => (e.AppId, e.Channel, e.ExceptSocketId, e.FromApi) == (a.AppId, a.Channel, a.ExceptSocketId, a.FromApi) && e.Frame.Span.SequenceEqual(a.Frame.Span),
        (ChannelSnapshot e, ChannelSnapshot a) => e.Origin == a.Origin && e.Counts.SequenceEqual(a.Counts) && e.Cache.Count == a.Cache.Count &&
            e.Cache.Zip(a.Cache).All(p => (p.First.AppId, p.First.Channel, p.First.LeftMs) == (p.Second.AppId, p.Second.Channel, p.Second.LeftMs) &&
                                          p.First.Frame.Span.SequenceEqual(p.Second.Frame.Span)),
        (PeerConnectionCounts e, PeerConnectionCounts a) => e.Origin == a.Origin && SameCounts(e.Counts, a.Counts),
        (ChannelCounts e, ChannelCounts a) => SameCounts(e.Subscriptions, a.Subscriptions),
        (OwnMembersQuery e, OwnMembersQuery a) => e.AppId == a.AppId && e.Channels.SequenceEqual(a.Channels),
        (OwnMembers e, OwnMembers a) => e.UserIds.Count == a.UserIds.Count && e.UserIds.All(p => a.UserIds.TryGetValue(p.Key, out var ids) && ids.SequenceEqual(p.Value)),
        (ChannelCountsQuery e, ChannelCountsQuery a) => e.AppId == a.AppId && (e.Channels ?? []).SequenceEqual(a.Channels ?? []) && (e.Channels is null) == (a.Channels is null),
        (StatisticsSample e, StatisticsSample a) => (e.Node, e.IntervalStartMs, e.IntervalMs) == (a.Node, a.IntervalStartMs, a.IntervalMs) && e.Rows.SequenceEqual(a.Rows),
        (NodeLoad e, NodeLoad a) => e.Node == a.Node && e.Apps.SequenceEqual(a.Apps) && e.State == a.State,
        (StatisticsAnswer e, StatisticsAnswer a) => e.Buckets.SequenceEqual(a.Buckets),
        (LiveLogBatch e, LiveLogBatch a) => (e.Node, e.Dropped) == (a.Node, a.Dropped) && e.Entries.SequenceEqual(a.Entries),
        (PresenceSnapshot e, PresenceSnapshot a) => (e.Origin, e.Sequence) == (a.Origin, a.Sequence) && e.Entries.SequenceEqual(a.Entries),
        _ => expected.Equals(actual),
    };

    private static bool SameCounts(IReadOnlyDictionary<string, int> e, IReadOnlyDictionary<string, int> a) =>
        e.Count == a.Count && e.All(p => a.TryGetValue(p.Key, out var n) && n == p.Value);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(5));
}
