using Akka.Actor;
using Akka.Serialization;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// The one serializer for everything nodes send each other: a compact binary form per message, frame bytes carried
/// as they are. An unknown type or manifest is an error, never a silent fallback.
/// <para>
/// <b>This is the contract between two versions of the server running side by side during a rolling restart.</b>
/// A manifest, once shipped, keeps its meaning and its field order forever: add a new message with a new manifest,
/// or append fields only where an older reader stops before them; never reorder, retype or reuse. The tests pin
/// the bytes of every message, so a change here shows up as a failing test first.
/// </para>
/// </summary>
public sealed class WireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 4711;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ChannelEvent => "E",
        PresenceDelta => "D",
        PresenceSnapshotRequest => "SQ",
        PresenceSnapshot => "S",
        BusHello => "H",
        BusWelcome => "WF",
        PeerConnectionCounts => "C",
        ChannelCountsQuery => "CQ",
        ChannelCounts => "CA",
        RestartNode => "R",
        GetNodeStatus => "NQ",
        NodeStatusReport => "N",
        TerminateUser => "TU",
        ChannelSnapshotRequest => "KQ",
        ChannelSnapshot => "K",
        ChannelCountChanged => "SC",
        OwnMembersQuery => "MQ",
        OwnMembers => "MA",
        StatisticsSample => "ST",
        NodeLoadQuery => "LQ",
        NodeLoad => "L",
        DashboardWatch => "DW",
        LiveLogBatch => "LB",
        StatisticsQuery => "STQ",
        StatisticsAnswer => "STA",
        _ => throw new ArgumentException($"{o.GetType()} is not a wire message"),
    };

    public override byte[] ToBinary(object o)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            switch (o)
            {
                case ChannelEvent e:
                    w.Write(e.AppId); w.Write(e.Channel); WriteOptional(w, e.ExceptSocketId);
                    w.Write(e.Frame.Length); w.Write(e.Frame.Span);
                    // Appended: an older reader stops before it.
                    w.Write(e.FromApi);
                    break;
                case PresenceDelta d:
                    w.Write(d.Origin); w.Write(d.Sequence); w.Write(d.AppId); w.Write(d.Channel); WriteMember(w, d.Member); w.Write(d.Joined);
                    break;
                case PresenceSnapshotRequest r: w.Write(r.RequestedBy); break;
                case PresenceSnapshot s:
                    w.Write(s.Origin); w.Write(s.Sequence); w.Write(s.Entries.Count);
                    foreach (var e in s.Entries) { w.Write(e.AppId); w.Write(e.Channel); WriteMember(w, e.Member); }
                    break;
                case BusHello h: w.Write(h.NodeId); break;
                case BusWelcome h: w.Write(h.NodeId); w.Write(h.For); break;
                case PeerConnectionCounts c:
                    w.Write(c.Origin); WriteCounts(w, c.Counts);
                    break;
                case ChannelCountsQuery q:
                    w.Write(q.AppId); w.Write(q.Channels is not null);
                    if (q.Channels is not null)
                    {
                        w.Write(q.Channels.Count);
                        foreach (var c in q.Channels) w.Write(c);
                    }
                    break;
                case ChannelCounts c: WriteCounts(w, c.Subscriptions); break;
                case RestartNode r: w.Write(r.RequestedBy); w.Write(r.DelayMs); break;
                case GetNodeStatus: break;
                case NodeStatusReport n:
                    w.Write(n.NodeId); w.Write(n.Ready); w.Write(n.Connections); w.Write(n.Channels); w.Write(n.Subscriptions); w.Write(n.PresenceMembers);
                    break;
                case TerminateUser t: w.Write(t.AppId); w.Write(t.UserId); break;
                case ChannelSnapshotRequest q: w.Write(q.RequestedBy); break;
                case ChannelSnapshot k:
                    w.Write(k.Origin);
                    w.Write(k.Cache.Count);
                    foreach (var e in k.Cache) { w.Write(e.AppId); w.Write(e.Channel); w.Write(e.Frame.Length); w.Write(e.Frame.Span); w.Write(e.LeftMs); }
                    w.Write(k.Counts.Count);
                    foreach (var c in k.Counts) { w.Write(c.AppId); w.Write(c.Channel); w.Write(c.Count); }
                    break;
                case ChannelCountChanged c: w.Write(c.Origin); w.Write(c.AppId); w.Write(c.Channel); w.Write(c.Count); break;
                case OwnMembersQuery q:
                    w.Write(q.AppId); w.Write(q.Channels.Count);
                    foreach (var c in q.Channels) w.Write(c);
                    break;
                case OwnMembers m:
                    w.Write(m.UserIds.Count);
                    foreach (var (channel, ids) in m.UserIds.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        w.Write(channel); w.Write(ids.Count);
                        foreach (var id in ids) w.Write(id);
                    }
                    break;
                case StatisticsSample s:
                    w.Write(s.Node); w.Write(s.IntervalStartMs); w.Write(s.IntervalMs); w.Write(s.Rows.Count);
                    foreach (var row in s.Rows)
                    {
                        w.Write(row.AppId); w.Write(row.PeakConnections); w.Write(row.WebSocketMessagesIn); w.Write(row.WebSocketMessagesOut);
                        w.Write(row.ApiMessages);
                    }
                    break;
                case StatisticsQuery q: w.Write(q.AppId); w.Write(q.FromMs); w.Write(q.ToMs); w.Write(q.BucketMs); break;
                case StatisticsAnswer a:
                    w.Write(a.Buckets.Count);
                    foreach (var b in a.Buckets)
                    {
                        w.Write(b.TimeMs); w.Write(b.Node); w.Write(b.Intervals); w.Write(b.PeakConnections); w.Write(b.WebSocketMessagesIn);
                        w.Write(b.WebSocketMessagesOut); w.Write(b.ApiMessages);
                    }
                    break;
                case NodeLoadQuery: break;
                case NodeLoad l:
                    w.Write(l.Node); w.Write(l.Apps.Count);
                    foreach (var a in l.Apps)
                    {
                        w.Write(a.AppId); w.Write(a.Connections); w.Write(a.Channels); w.Write(a.WebSocketMessagesIn); w.Write(a.WebSocketMessagesOut);
                        w.Write(a.ApiCalls);
                    }
                    w.Write(l.State);
                    break;
                case DashboardWatch d: w.Write(d.Node); break;
                case LiveLogBatch b:
                    w.Write(b.Node); w.Write(b.Dropped); w.Write(b.Entries.Count);
                    foreach (var e in b.Entries)
                    {
                        w.Write(e.TimeMs); w.Write(e.AppId); w.Write(e.Kind); WriteOptional(w, e.SocketId); WriteOptional(w, e.Channel);
                        WriteOptional(w, e.Event); w.Write(e.Text);
                    }
                    break;
                default: throw new ArgumentException($"{o.GetType()} is not a wire message");
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        return manifest switch
        {
            "E" => ReadEvent(r),
            "D" => new PresenceDelta(r.ReadString(), r.ReadInt64(), r.ReadString(), r.ReadString(), ReadMember(r), r.ReadBoolean()),
            "SQ" => new PresenceSnapshotRequest(r.ReadString()),
            "S" => new PresenceSnapshot(r.ReadString(), r.ReadInt64(), ReadList(r, () => new PresenceSnapshotEntry(r.ReadString(), r.ReadString(), ReadMember(r)))),
            "H" => new BusHello(r.ReadString()),
            "WF" => new BusWelcome(r.ReadString(), r.ReadString()),
            "C" => new PeerConnectionCounts(r.ReadString(), ReadCounts(r)),
            "CQ" => new ChannelCountsQuery(r.ReadString(), r.ReadBoolean() ? ReadList(r, r.ReadString) : null),
            "CA" => new ChannelCounts(ReadCounts(r)),
            "R" => new RestartNode(r.ReadString(), r.ReadInt32()),
            "NQ" => GetNodeStatus.Instance,
            "N" => new NodeStatusReport(r.ReadString(), r.ReadBoolean(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32()),
            "TU" => new TerminateUser(r.ReadString(), r.ReadString()),
            "KQ" => new ChannelSnapshotRequest(r.ReadString()),
            "K" => new ChannelSnapshot(r.ReadString(),
                ReadList(r, () => new CacheSnapshotEntry(r.ReadString(), r.ReadString(), r.ReadBytes(r.ReadInt32()), r.ReadInt64())),
                ReadList(r, () => new CountSnapshotEntry(r.ReadString(), r.ReadString(), r.ReadInt32()))),
            "SC" => new ChannelCountChanged(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadInt32()),
            "MQ" => new OwnMembersQuery(r.ReadString(), ReadList(r, r.ReadString)),
            "MA" => ReadOwnMembers(r),
            "ST" => new StatisticsSample(r.ReadString(), r.ReadInt64(), r.ReadInt64(),
                ReadList(r, () => new StatisticsRow(r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()))),
            "STQ" => new StatisticsQuery(r.ReadString(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()),
            "STA" => new StatisticsAnswer(ReadList(r, () => new StatisticsBucket(r.ReadInt64(), r.ReadString(), r.ReadInt32(), r.ReadInt64(),
                r.ReadInt64(), r.ReadInt64(), r.ReadInt64()))),
            "LQ" => NodeLoadQuery.Instance,
            "L" => ReadNodeLoad(r),
            "DW" => new DashboardWatch(r.ReadString()),
            "LB" => ReadLiveLog(r),
            _ => throw new ArgumentException($"Unknown wire message manifest '{manifest}'"),
        };
    }

    private static void WriteOptional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null) w.Write(value);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static ChannelEvent ReadEvent(BinaryReader r)
    {
        var appId = r.ReadString();
        var channel = r.ReadString();
        var except = ReadOptional(r);
        var frame = r.ReadBytes(r.ReadInt32());
        // A node of an earlier version does not send the flag: its events are not cached here.
        var fromApi = r.BaseStream.Position < r.BaseStream.Length && r.ReadBoolean();
        return new ChannelEvent(appId, channel, frame, except, fromApi);
    }

    private static NodeLoad ReadNodeLoad(BinaryReader r)
    {
        var node = r.ReadString();
        var apps = ReadList(r, () => new AppLoad(r.ReadString(), r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64()));
        // A node of an earlier version does not say: it answers, so it serves.
        var state = r.BaseStream.Position < r.BaseStream.Length ? r.ReadString() : NodeLoad.Serving;
        return new NodeLoad(node, apps, state);
    }

    private static LiveLogBatch ReadLiveLog(BinaryReader r)
    {
        var node = r.ReadString();
        var dropped = r.ReadInt32();
        var entries = ReadList(r, () => new ActivityEntry(r.ReadInt64(), r.ReadString(), r.ReadString(), ReadOptional(r), ReadOptional(r),
            ReadOptional(r), r.ReadString()));
        return new LiveLogBatch(node, entries, dropped);
    }

    private static OwnMembers ReadOwnMembers(BinaryReader r)
    {
        var ids = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        for (var n = r.ReadInt32(); n > 0; n--) ids[r.ReadString()] = ReadList(r, r.ReadString);
        return new OwnMembers(ids);
    }

    private static void WriteMember(BinaryWriter w, PresenceMember m)
    {
        w.Write(m.UserId);
        w.Write(m.UserInfoJson);
    }

    private static PresenceMember ReadMember(BinaryReader r) => new(r.ReadString(), r.ReadString());

    /// <summary>Sorted by key, so the bytes of a message do not depend on a dictionary's order.</summary>
    private static void WriteCounts(BinaryWriter w, IReadOnlyDictionary<string, int> counts)
    {
        w.Write(counts.Count);
        foreach (var (key, n) in counts.OrderBy(p => p.Key, StringComparer.Ordinal)) { w.Write(key); w.Write(n); }
    }

    private static Dictionary<string, int> ReadCounts(BinaryReader r)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = r.ReadInt32(); n > 0; n--) counts[r.ReadString()] = r.ReadInt32();
        return counts;
    }

    private static List<T> ReadList<T>(BinaryReader r, Func<T> read)
    {
        var list = new List<T>();
        for (var n = r.ReadInt32(); n > 0; n--) list.Add(read());
        return list;
    }
}
