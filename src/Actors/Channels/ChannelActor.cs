using Akka.Actor;
using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// One channel of one app on this node. It owns the channel's socket set and writes the subscription reply and
/// the presence member changes, so that a new member's list and the changes after it stay consistent: the
/// reply lists the members as of its moment and every later change reaches the socket after it. Events are fanned
/// out by the <see cref="ChannelRegistry"/> from <see cref="ChannelSubscribers"/>, so that one connection receives
/// events of different channels in the order they were triggered; a member change and an event sent at nearly the
/// same moment may reach a socket in either order.
/// </summary>
public sealed class ChannelActor : ReceiveActor
{
    private readonly string _channel;
    private readonly ChannelSubscribers _subscribers;
    private readonly Dictionary<string, string> _userOfSocket = new(StringComparer.Ordinal);

    public ChannelActor(string channel, ChannelSubscribers subscribers)
    {
        _channel = channel;
        _subscribers = subscribers;
        Receive<JoinChannel>(OnJoin);
        Receive<Unsubscribe>(u =>
        {
            _subscribers.Remove(u.SocketId);
            _userOfSocket.Remove(u.SocketId);
        });
        Receive<AnnounceMemberAdded>(a =>
        {
            // Never to the user's own sockets: a subscriber learns about itself from subscription_succeeded.
            _subscribers.Deliver(ServerFrames.MemberAdded(_channel, a.Member),
                socketId => _userOfSocket.GetValueOrDefault(socketId) != a.Member.UserId);
        });
        Receive<AnnounceMemberRemoved>(r => _subscribers.Deliver(ServerFrames.MemberRemoved(_channel, r.UserId), exceptSocketId: null));
    }

    public static Props Props(string channel, ChannelSubscribers subscribers) =>
        Akka.Actor.Props.Create(() => new ChannelActor(channel, subscribers));

    private void OnJoin(JoinChannel join)
    {
        var socket = join.Socket;
        if (join.UserId is { } userId) _userOfSocket[socket.SocketId] = userId;
        _subscribers.Add(socket, join.Members is { } members
            ? ServerFrames.PresenceSubscriptionSucceeded(_channel, members)
            : ServerFrames.SubscriptionSucceeded(_channel));
    }
}

/// <summary>From the registry: add the socket and send its subscription reply (with the members on presence channels).</summary>
internal sealed record JoinChannel(IPusherSocket Socket, string? UserId, IReadOnlyList<PresenceMember>? Members);

/// <summary>From the registry: a user became a member of this presence channel somewhere in the cluster.</summary>
internal sealed record AnnounceMemberAdded(PresenceMember Member);

/// <summary>From the registry: a user's last connection left this presence channel, cluster-wide.</summary>
internal sealed record AnnounceMemberRemoved(string UserId);
