using Akka.Actor;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Presence;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// The node's channels. It creates a <see cref="ChannelActor"/> per (app, channel) on the first subscribe and
/// stops it with the last unsubscribe; it keeps which socket is in which channel, the cluster's presence
/// replica, and fans every event out in the order it arrived, so a connection sees events of all its channels
/// in trigger order. Presence changes of local users are reported to the node bus for the other nodes.
/// </summary>
public sealed class ChannelRegistry : ReceiveActor
{
    private sealed class Entry(IActorRef actor, ChannelSubscribers subscribers, bool isPresence)
    {
        public IActorRef Actor { get; } = actor;
        public ChannelSubscribers Subscribers { get; } = subscribers;
        public bool IsPresence { get; } = isPresence;
        /// <summary>Subscribed sockets with the user each joined as (presence channels).</summary>
        public Dictionary<string, string?> Sockets { get; } = new(StringComparer.Ordinal);
    }

    private readonly ProtocolLimits _limits;
    private readonly IActorRef _bus;
    private readonly PresenceReplica _presence;
    private readonly Dictionary<(string AppId, string Channel), Entry> _channels = new();
    private long _nextChildId;
    private long _presenceSequence;

    /// <param name="self">This node's name in presence deltas (its cluster address).</param>
    /// <param name="bus">Receives <see cref="ToPeers"/> for other nodes: presence deltas of local users and client events; <see cref="ActorRefs.Nobody"/> without a cluster.</param>
    public ChannelRegistry(ProtocolLimits limits, string self, IActorRef bus)
    {
        _limits = limits;
        _bus = bus;
        _presence = new PresenceReplica(self);
        Receive<ChannelEnvelope>(OnEnvelope);
        Receive<PresenceDelta>(OnRemoteDelta);
        Receive<PresenceSnapshot>(s => Announce(_presence.ApplySnapshot(s.Origin, s.Sequence,
            s.Entries.Select(e => (new PresenceKey(e.AppId, e.Channel), e.Member)))));
        Receive<PresenceSnapshotRequest>(r => Sender.Tell(new SnapshotFor(r.RequestedBy, new PresenceSnapshot(_presence.Self, _presenceSequence,
            _presence.OwnEntries().Select(e => new PresenceSnapshotEntry(e.Key.AppId, e.Key.Channel, e.Member)).ToList()))));
        Receive<ChannelEvent>(e => _channels.GetValueOrDefault((e.AppId, e.Channel))?.Subscribers.Deliver(e.Frame, e.ExceptSocketId));
        Receive<OriginRemoved>(r => Announce(_presence.RemoveOrigin(r.Origin)));
        Receive<GetChannels>(q => Sender.Tell(new ChannelList(_channels
            .Where(c => c.Key.AppId == q.AppId)
            .Select(c => Info(c.Key.AppId, c.Key.Channel, c.Value))
            .OrderBy(c => c.Name, StringComparer.Ordinal).ToList())));
        Receive<GetChannel>(q => Sender.Tell(Info(q.AppId, q.Channel, _channels.GetValueOrDefault((q.AppId, q.Channel)))));
        Receive<GetChannelActorCount>(_ => Sender.Tell(Context.GetChildren().Count()));
        Receive<GetRegistryStats>(_ => Sender.Tell(new RegistryStats(_channels.Count, _channels.Values.Sum(e => e.Sockets.Count),
            _presence.LocalMemberCount(), _presence.MemberCount())));
    }

    /// <summary>A channel actor that fails on one message keeps its sockets: losing them would silence the channel.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Resume);

    public static Props Props(ProtocolLimits limits, string self = "local", IActorRef? bus = null) =>
        Akka.Actor.Props.Create(() => new ChannelRegistry(limits, self, bus ?? ActorRefs.Nobody));

    private ChannelInfo Info(string appId, string channel, Entry? entry) =>
        new(channel, entry?.Sockets.Count ?? 0, _presence.UserCount(new PresenceKey(appId, channel)));

    private void OnEnvelope(ChannelEnvelope envelope)
    {
        var key = (envelope.AppId, envelope.Channel);
        var entry = _channels.GetValueOrDefault(key);
        switch (envelope.Command)
        {
            case Subscribe s:
                OnSubscribe(envelope, entry ?? Create(envelope.AppId, envelope.Channel), s);
                break;
            case Unsubscribe u when entry is not null:
                OnUnsubscribe(envelope, entry, u.SocketId);
                break;
            case ClientPublish p when entry is not null && entry.Sockets.ContainsKey(p.SenderSocketId):
                entry.Subscribers.Deliver(p.Frame, p.SenderSocketId);
                _bus.Tell(new ToPeers(new ChannelEvent(envelope.AppId, envelope.Channel, p.Frame, p.SenderSocketId)));
                break;
            case GetMembers:
                Sender.Tell(new ChannelMembers(_presence.Members(new PresenceKey(envelope.AppId, envelope.Channel))));
                break;
        }
    }

    private Entry Create(string appId, string channel)
    {
        var subscribers = new ChannelSubscribers();
        var actor = Context.ActorOf(ChannelActor.Props(channel, subscribers), $"channel-{++_nextChildId}");
        var entry = new Entry(actor, subscribers, ChannelName.TypeOf(channel) == ChannelType.Presence);
        _channels[(appId, channel)] = entry;
        return entry;
    }

    private void OnSubscribe(ChannelEnvelope envelope, Entry entry, Subscribe s)
    {
        var socketId = s.Socket.SocketId;
        var key = new PresenceKey(envelope.AppId, envelope.Channel);
        if (!entry.IsPresence || s.Member is not { } member)
        {
            entry.Sockets[socketId] = null;
            entry.Actor.Tell(new JoinChannel(s.Socket, null, entry.IsPresence ? _presence.Members(key) : null));
            return;
        }
        if (entry.Sockets.ContainsKey(socketId))
        {
            // A repeated subscribe is answered again without side effects (PROTOCOL.md 2.3).
            entry.Actor.Tell(new JoinChannel(s.Socket, member.UserId, _presence.Members(key)));
            return;
        }
        if (!_presence.HasUser(key, member.UserId) && _presence.UserCount(key) >= _limits.MaxPresenceMembers)
        {
            s.Socket.TrySend(ServerFrames.SubscriptionError(envelope.Channel, "LimitReached",
                $"The presence channel already has the maximum of {_limits.MaxPresenceMembers} members", 4100));
            s.Connection.Tell(new SubscriptionRefused(envelope.Channel));
            if (entry.Sockets.Count == 0) Drop(envelope, entry);
            return;
        }
        entry.Sockets[socketId] = member.UserId;
        var (firstLocal, added) = _presence.LocalJoin(key, member);
        if (added) entry.Actor.Tell(new AnnounceMemberAdded(member));
        entry.Actor.Tell(new JoinChannel(s.Socket, member.UserId, _presence.Members(key)));
        if (firstLocal) _bus.Tell(new ToPeers(new PresenceDelta(_presence.Self, ++_presenceSequence, key.AppId, key.Channel, member, true)));
    }

    private void OnUnsubscribe(ChannelEnvelope envelope, Entry entry, string socketId)
    {
        if (!entry.Sockets.Remove(socketId, out var userId)) return;
        // Removed here, not only by the channel actor, so no event accepted after the unsubscribe reaches the socket.
        entry.Subscribers.Remove(socketId);
        entry.Actor.Tell(new Unsubscribe(socketId));
        if (userId is not null)
        {
            var key = new PresenceKey(envelope.AppId, envelope.Channel);
            var (lastLocal, removed) = _presence.LocalLeave(key, userId);
            if (removed) entry.Actor.Tell(new AnnounceMemberRemoved(userId));
            if (lastLocal)
                _bus.Tell(new ToPeers(new PresenceDelta(_presence.Self, ++_presenceSequence, key.AppId, key.Channel, new PresenceMember(userId, "{}"), false)));
        }
        if (entry.Sockets.Count == 0) Drop(envelope, entry);
    }

    private void Drop(ChannelEnvelope envelope, Entry entry)
    {
        _channels.Remove((envelope.AppId, envelope.Channel));
        Context.Stop(entry.Actor);
    }

    private void OnRemoteDelta(PresenceDelta delta)
    {
        var key = new PresenceKey(delta.AppId, delta.Channel);
        if (_presence.ApplyRemote(delta.Origin, delta.Sequence, key, delta.Member, delta.Joined))
            Announce([(key, delta.Member, delta.Joined)]);
    }

    /// <summary>Tells local subscribers about cluster-wide membership changes that came from other nodes.</summary>
    private void Announce(IEnumerable<(PresenceKey Key, PresenceMember Member, bool Added)> changes)
    {
        foreach (var (key, member, added) in changes)
        {
            if (!_channels.TryGetValue((key.AppId, key.Channel), out var entry)) continue;
            entry.Actor.Tell(added ? new AnnounceMemberAdded(member) : new AnnounceMemberRemoved(member.UserId));
        }
    }
}
