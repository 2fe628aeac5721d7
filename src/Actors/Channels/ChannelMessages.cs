using Akka.Actor;
using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>A command for the channel actor of (app, channel); the <see cref="ChannelDirectory"/> routes it.</summary>
public interface IChannelCommand;

/// <summary>Sent to the <see cref="ChannelDirectory"/>, which creates the channel actor on the first subscribe.</summary>
public sealed record ChannelEnvelope(string AppId, string Channel, IChannelCommand Command)
{
    public ChannelKey Key => new(AppId, Channel);
}

/// <summary>Adds a socket. <paramref name="Member"/> is set for presence channels.</summary>
public sealed record Subscribe(IPusherSocket Socket, IActorRef Connection, PresenceMember? Member) : IChannelCommand;

public sealed record Unsubscribe(string SocketId) : IChannelCommand;

/// <summary>A client event: published only if the sender is subscribed, and never delivered back to the sender.</summary>
public sealed record ClientPublish(ReadOnlyMemory<byte> Frame, string SenderSocketId) : IChannelCommand;

/// <summary>Told to a connection whose subscription the channel refused (for example a full presence channel).</summary>
public sealed record SubscriptionRefused(string Channel);

/// <summary>How many channel actors are alive on this node; answered with an <see cref="int"/>.</summary>
public sealed record GetChannelActorCount
{
    public static GetChannelActorCount Instance { get; } = new();
}

/// <summary>Answered with <see cref="ChannelStats"/>.</summary>
public sealed record GetChannelStats
{
    public static GetChannelStats Instance { get; } = new();
}

/// <param name="Channels">Channels with a subscriber on this node.</param>
/// <param name="Subscriptions">Socket subscriptions on this node.</param>
public sealed record ChannelStats(int Channels, int Subscriptions);

/// <summary>
/// From a channel actor to the directory: from now on fan out to <paramref name="Subscribers"/>, after queueing
/// <paramref name="Reply"/> on <paramref name="ReplyTo"/> (a subscription reply), in that order.
/// </summary>
internal sealed record SubscribersChanged(ChannelKey Key, Subscriber[] Subscribers, IPusherSocket? ReplyTo, ReadOnlyMemory<byte> Reply);

/// <summary>From a channel actor to the directory: a member event for the channel's sockets but the user's own.</summary>
internal sealed record MemberEvent(ChannelKey Key, ReadOnlyMemory<byte> Frame, string? ExceptUserId);

/// <summary>
/// From a channel actor that has no subscriber left, after <paramref name="Received"/> commands: the directory stops
/// it only if it forwarded no command since, so a subscribe racing the last unsubscribe is never lost.
/// </summary>
internal sealed record ChannelIdle(ChannelKey Key, long Received);

/// <summary>The cached event of a cache channel on this node; answered with <see cref="CachedEventAnswer"/>.</summary>
public sealed record GetCachedEvent(ChannelKey Key);

/// <param name="Frame">The cached event's frame; null when nothing is cached.</param>
/// <param name="Left">How long it is kept still.</param>
public sealed record CachedEventAnswer(ReadOnlyMemory<byte>? Frame, TimeSpan Left);

internal sealed record PurgeCache
{
    public static PurgeCache Instance { get; } = new();
}

internal sealed record CountTick
{
    public static CountTick Instance { get; } = new();
}
