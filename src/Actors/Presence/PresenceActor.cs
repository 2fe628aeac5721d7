using Akka.Actor;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Channels;

namespace Broadcaster.Actors.Presence;

/// <summary>
/// The node's replica of the cluster's presence members (a <see cref="PresenceReplica"/>), and the publisher of the
/// deltas of its own. Channel actors tell it when a user's first socket on this node joins a presence channel and
/// when its last one leaves; it publishes that on the cluster topic with the next sequence number. It applies the
/// other nodes' deltas and snapshots, and tells each presence channel's actor how the channel's members on other
/// nodes change. The HTTP API asks it for this node's own members (<see cref="Wire.OwnMembersQuery"/>), and falls back on its
/// replica for a node that does not answer.
/// </summary>
public sealed class PresenceActor : ReceiveActor
{
    private readonly PresenceReplica _replica;
    private readonly IActorRef _topic;
    private readonly Dictionary<ChannelKey, IActorRef> _watchers = new();
    private readonly Dictionary<IActorRef, ChannelKey> _watched = new();
    private readonly List<IActorRef> _listeners = [];
    private long _sequence;

    /// <param name="self">This node's id in deltas (<see cref="NodeIds"/>).</param>
    /// <param name="topic">Where deltas are published: the DistributedPubSub mediator.</param>
    public PresenceActor(string self, IActorRef topic)
    {
        _replica = new PresenceReplica(self);
        _topic = topic;
        Receive<WatchChannel>(w =>
        {
            // A channel's new actor may start before its previous one's termination arrives: the newest watch wins.
            _watchers[w.Key] = Sender;
            _watched[Sender] = w.Key;
            Context.Watch(Sender);
            Sender.Tell(new RemoteMembers(_replica.RemoteMembers(w.Key)));
        });
        Receive<ListenToClusterChanges>(_ =>
        {
            if (!_listeners.Contains(Sender)) _listeners.Add(Sender);
        });
        Receive<Terminated>(t =>
        {
            if (!_watched.Remove(t.ActorRef, out var key)) return;
            if (_watchers.TryGetValue(key, out var watcher) && watcher.Equals(t.ActorRef)) _watchers.Remove(key);
        });
        Receive<LocalMemberJoined>(j =>
        {
            _replica.LocalJoined(j.Key, j.Member);
            Publish(new PresenceDelta(self, ++_sequence, j.Key.AppId, j.Key.Channel, j.Member, true));
            TellListeners();
        });
        Receive<LocalMemberLeft>(l =>
        {
            _replica.LocalLeft(l.Key, l.UserId);
            Publish(new PresenceDelta(self, ++_sequence, l.Key.AppId, l.Key.Channel, new Protocol.Presence.PresenceMember(l.UserId, "{}"), false));
            TellListeners();
        });
        Receive<PresenceDelta>(d => Notify(_replica.ApplyDelta(d)));
        Receive<PresenceSnapshot>(s => Notify(_replica.ApplySnapshot(s)));
        Receive<OriginRemoved>(r => Notify(_replica.RemoveOrigin(r.Origin)));
        Receive<PresenceSnapshotRequest>(_ => Sender.Tell(new PresenceSnapshot(self, _sequence, _replica.OwnEntries())));
        Receive<OwnMembersQuery>(q => Sender.Tell(new OwnMembers(q.Channels.Distinct(StringComparer.Ordinal)
            .ToDictionary(c => c, c => _replica.OwnUserIds(new ChannelKey(q.AppId, c)), StringComparer.Ordinal))));
        Receive<GetMembers>(q => Sender.Tell(new ChannelMembers(_replica.Members(q.Key))));
        Receive<GetPresenceStats>(_ => Sender.Tell(new PresenceStats(_replica.LocalMemberCount(), _replica.MemberCount())));
    }

    public static Props Props(string self, IActorRef topic) => Akka.Actor.Props.Create(() => new PresenceActor(self, topic));

    private void Publish(PresenceDelta delta) => ClusterTopic.Publish(_topic, delta, Self);

    private void Notify(List<RemoteChange> changes)
    {
        foreach (var change in changes)
        {
            if (_watchers.TryGetValue(change.Key, out var watcher)) watcher.Tell(new RemoteMemberChanged(change.Member, change.Added));
        }
        TellListeners();
    }

    private void TellListeners()
    {
        var changes = _replica.TakeClusterChanges();
        if (changes.Count == 0) return;
        var message = new ClusterMembersChanged(changes);
        foreach (var listener in _listeners) listener.Tell(message);
    }
}
