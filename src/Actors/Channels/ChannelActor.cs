using Akka.Actor;
using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// One channel of one app on this node: its subscribers and, for presence channels, its members.
/// It writes frames straight into subscribers' queues, so the subscription reply always precedes the
/// channel's events on a socket and every subscriber gets the same bytes.
/// </summary>
public sealed class ChannelActor : ReceiveActor
{
    private sealed record Subscriber(IPusherSocket Socket, IActorRef Connection, PresenceMember? Member);

    private readonly string _channel;
    private readonly ProtocolLimits _limits;
    private readonly bool _isPresence;
    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly PresenceRoster _roster = new();
    private long _subscribesHandled;

    public ChannelActor(string channel, ProtocolLimits limits)
    {
        _channel = channel;
        _limits = limits;
        _isPresence = ChannelName.TypeOf(channel) == ChannelType.Presence;
        Receive<Subscribe>(OnSubscribe);
        Receive<Unsubscribe>(OnUnsubscribe);
        Receive<Publish>(p => Deliver(p.Frame, p.ExceptSocketId));
        Receive<ClientPublish>(p =>
        {
            if (_subscribers.ContainsKey(p.SenderSocketId)) Deliver(p.Frame, p.SenderSocketId);
        });
        Receive<GetMembers>(_ => Sender.Tell(new ChannelMembers(_roster.Members)));
    }

    public static Props Props(string channel, ProtocolLimits limits) => Akka.Actor.Props.Create(() => new ChannelActor(channel, limits));

    private void OnSubscribe(Subscribe s)
    {
        _subscribesHandled++;
        var socketId = s.Socket.SocketId;
        if (_subscribers.ContainsKey(socketId))
        {
            // A repeated subscribe is answered again without side effects (PROTOCOL.md 2.3).
            s.Socket.TrySend(SucceededFrame());
            ReportCounts();
            return;
        }
        if (_isPresence && s.Member is { } member)
        {
            if (!_roster.Contains(member.UserId) && _roster.Count >= _limits.MaxPresenceMembers)
            {
                s.Socket.TrySend(ServerFrames.SubscriptionError(_channel, "LimitReached",
                    $"The presence channel already has the maximum of {_limits.MaxPresenceMembers} members", 4100));
                s.Connection.Tell(new SubscriptionRefused(_channel));
                ReportCounts();
                return;
            }
            _subscribers[socketId] = new Subscriber(s.Socket, s.Connection, member);
            if (_roster.Add(member)) Deliver(ServerFrames.MemberAdded(_channel, member), socketId);
        }
        else
        {
            _subscribers[socketId] = new Subscriber(s.Socket, s.Connection, null);
        }
        s.Socket.TrySend(SucceededFrame());
        ReportCounts();
    }

    private void OnUnsubscribe(Unsubscribe u)
    {
        if (!_subscribers.Remove(u.SocketId, out var gone)) return;
        if (gone.Member is { } member && _roster.Remove(member.UserId))
            Deliver(ServerFrames.MemberRemoved(_channel, member.UserId), null);
        ReportCounts();
    }

    private byte[] SucceededFrame() =>
        _isPresence ? ServerFrames.PresenceSubscriptionSucceeded(_channel, _roster.Members) : ServerFrames.SubscriptionSucceeded(_channel);

    private void Deliver(ReadOnlyMemory<byte> frame, string? exceptSocketId)
    {
        foreach (var (socketId, subscriber) in _subscribers)
        {
            if (socketId != exceptSocketId) subscriber.Socket.TrySend(frame);
        }
    }

    private void ReportCounts() =>
        Context.Parent.Tell(new ChannelCounts(_subscribesHandled, _subscribers.Count, _isPresence ? _roster.Count : 0));
}
