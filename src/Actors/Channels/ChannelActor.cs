using Akka.Actor;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Sockets;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// One channel of one app on this node, and the only owner of its node-local state: which sockets are subscribed
/// (with the user each joined as, on presence channels), their subscription replies, and on presence channels the
/// member list and its member events. It never writes events itself: after each change it hands its parent, the
/// <see cref="ChannelDirectory"/>, an immutable array of its subscribers together with the reply to queue, and the
/// directory (the node's one ordered fan-out stage) queues the reply and then fans out to that array. So a reply is
/// queued before any event that reaches the new socket, every event the directory takes after it reaches the socket,
/// and a connection sees the events of all its channels in the order the node accepted them.
/// </summary>
public sealed class ChannelActor : UntypedActor, IWithUnboundedStash
{
    private readonly ChannelKey _key;
    private readonly ProtocolLimits _limits;
    private readonly IActorRef _presence;
    private readonly EventPublisher _events;
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly ChannelRoster? _roster;
    /// <summary>The app wants occupied/vacated webhooks: this node's first and last subscriber go to the presence replica.</summary>
    private readonly bool _reportOccupancy;
    private long _received;
    /// <summary>False on a presence channel until the members on other nodes are known; until then everything is stashed.</summary>
    private bool _serving;

    public IStash Stash { get; set; } = null!;

    public ChannelActor(ChannelKey key, ProtocolLimits limits, IActorRef presence, EventPublisher events, bool reportOccupancy)
    {
        _key = key;
        _reportOccupancy = reportOccupancy;
        _limits = limits;
        _presence = presence;
        _events = events;
        if (ChannelName.TypeOf(key.Channel) != ChannelType.Presence)
        {
            _serving = true;
            return;
        }
        _roster = new ChannelRoster();
    }

    public static Props Props(ChannelKey key, ProtocolLimits limits, IActorRef presence, EventPublisher events, bool reportOccupancy = false) =>
        // The constructor's arguments as values, not as an expression tree: the tree is built anew for every channel.
        Akka.Actor.Props.Create<ChannelActor>(key, limits, presence, events, reportOccupancy).WithMailbox(LeanMailbox.Path);

    protected override void PreStart()
    {
        if (_roster is not null) _presence.Tell(new WatchChannel(_key));
    }

    /// <remarks>
    /// An untyped actor: a <c>ReceiveActor</c> builds its handler table for every instance, and a node has an actor per
    /// channel, so every new channel paid for it.
    /// </remarks>
    protected override void OnReceive(object message)
    {
        if (!_serving)
        {
            // A subscription reply could not list the members on other nodes yet: hold everything until they are known.
            if (message is RemoteMembers remote)
            {
                foreach (var member in remote.Members) _roster!.RemoteAdded(member);
                _serving = true;
                Stash.UnstashAll();
            }
            else Stash.Stash();
            return;
        }
        switch (message)
        {
            case Subscribe subscribe:
                OnSubscribe(subscribe);
                AfterCommand();
                break;
            case Unsubscribe unsubscribe:
            {
                var before = _subscribers.Count;
                OnUnsubscribe(unsubscribe.SocketId);
                ReportVacated(before);
                AfterCommand();
                break;
            }
            case ClientPublish publish:
                OnClientPublish(publish);
                AfterCommand();
                break;
            case RemoteMemberChanged change:
                OnRemoteMemberChanged(change);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    /// <summary>After a command the directory forwarded: counts it, and when the channel is left empty, says so with the count.</summary>
    private void AfterCommand()
    {
        _received++;
        if (_subscribers.Count == 0) Context.Parent.Tell(new ChannelIdle(_key, _received));
    }

    /// <summary>
    /// Tells the presence replica that this node now has the channel occupied (or no longer has): the cluster's
    /// occupied/vacated webhooks follow its <see cref="ClusterSets.Occupied"/> set. Occupied is told before the first
    /// subscriber's member join, vacated after the last one's leave, so the webhooks come in Pusher's order.
    /// </summary>
    private void ReportOccupied()
    {
        if (_reportOccupancy && _subscribers.Count == 0)
            _presence.Tell(new LocalMemberJoined(ClusterSets.OccupiedOf(_key.AppId), ClusterSets.Entry(_key.Channel)));
    }

    private void ReportVacated(int before)
    {
        if (_reportOccupancy && before > 0 && _subscribers.Count == 0)
            _presence.Tell(new LocalMemberLeft(ClusterSets.OccupiedOf(_key.AppId), _key.Channel));
    }

    private void OnClientPublish(ClientPublish p)
    {
        if (!_subscribers.ContainsKey(p.SenderSocketId)) return;
        // Delivered here by the directory like any event, and published for the other nodes.
        var clientEvent = new ChannelEvent(_key.AppId, _key.Channel, p.Frame, p.SenderSocketId);
        _events.Publish(Context.Parent, clientEvent, Self);
    }

    private void OnSubscribe(Subscribe s)
    {
        var socket = s.Socket;
        var socketId = socket.SocketId;
        if (_roster is null || s.Member is not { } member)
        {
            ReportOccupied();
            _subscribers[socketId] = new Subscriber(socket, null);
            Publish(socket, _roster is null
                ? ServerFrames.SubscriptionSucceeded(_key.Channel)
                : ServerFrames.PresenceSubscriptionSucceeded(_key.Channel, _roster.Members()));
            return;
        }
        if (_subscribers.ContainsKey(socketId))
        {
            // A repeated subscribe is answered again without side effects (PROTOCOL.md 2.3).
            Publish(socket, ServerFrames.PresenceSubscriptionSucceeded(_key.Channel, _roster.Members()));
            return;
        }
        if (!_roster.Contains(member.UserId) && _roster.Count >= _limits.MaxPresenceMembers)
        {
            socket.TrySend(ServerFrames.SubscriptionError(_key.Channel, "LimitReached",
                $"The presence channel already has the maximum of {_limits.MaxPresenceMembers} members", 4100));
            s.Connection.Tell(new SubscriptionRefused(_key.Channel));
            return;
        }
        ReportOccupied();
        var (firstLocal, added) = _roster.LocalJoin(member);
        // Told before the reply goes out, so an HTTP users query sent after the client saw the reply finds the member.
        if (firstLocal) _presence.Tell(new LocalMemberJoined(_key, member));
        _subscribers[socketId] = new Subscriber(socket, member.UserId);
        Publish(socket, ServerFrames.PresenceSubscriptionSucceeded(_key.Channel, _roster.Members()));
        // Never to the user's own sockets: a subscriber learns about itself from subscription_succeeded.
        if (added) Context.Parent.Tell(new MemberEvent(_key, ServerFrames.MemberAdded(_key.Channel, member), member.UserId));
    }

    private void OnUnsubscribe(string socketId)
    {
        if (!_subscribers.Remove(socketId, out var subscriber)) return;
        Publish(null, ReadOnlyMemory<byte>.Empty);
        if (_roster is null || subscriber.UserId is not { } userId) return;
        var (lastLocal, removed) = _roster.LocalLeave(userId);
        if (lastLocal) _presence.Tell(new LocalMemberLeft(_key, userId));
        if (removed) Context.Parent.Tell(new MemberEvent(_key, ServerFrames.MemberRemoved(_key.Channel, userId), null));
    }

    private void OnRemoteMemberChanged(RemoteMemberChanged change)
    {
        if (change.Added)
        {
            if (_roster!.RemoteAdded(change.Member))
                Context.Parent.Tell(new MemberEvent(_key, ServerFrames.MemberAdded(_key.Channel, change.Member), change.Member.UserId));
        }
        else if (_roster!.RemoteRemoved(change.Member.UserId))
        {
            Context.Parent.Tell(new MemberEvent(_key, ServerFrames.MemberRemoved(_key.Channel, change.Member.UserId), null));
        }
    }

    /// <summary>Hands the directory the new subscriber array (a copy: the directory reads it on its own thread).</summary>
    private void Publish(IPusherSocket? replyTo, ReadOnlyMemory<byte> reply) =>
        Context.Parent.Tell(new SubscribersChanged(_key, [.. _subscribers.Values], replyTo, reply));
}
