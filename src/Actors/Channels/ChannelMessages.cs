using Akka.Actor;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Channels;

/// <summary>A command for the channel actor of (app, channel); the registry routes it.</summary>
public interface IChannelCommand;

/// <summary>Sent to the <see cref="ChannelRegistry"/>, which creates the channel actor on first subscribe.</summary>
public sealed record ChannelEnvelope(string AppId, string Channel, IChannelCommand Command);

/// <summary>Adds a socket. <paramref name="Member"/> is set for presence channels.</summary>
public sealed record Subscribe(IPusherSocket Socket, IActorRef Connection, PresenceMember? Member) : IChannelCommand;

public sealed record Unsubscribe(string SocketId) : IChannelCommand;

/// <summary>A client event: delivered only if the sender is subscribed, and never back to the sender.</summary>
public sealed record ClientPublish(ReadOnlyMemory<byte> Frame, string SenderSocketId) : IChannelCommand;

/// <summary>Asks for the presence members; answered with <see cref="ChannelMembers"/>.</summary>
public sealed record GetMembers : IChannelCommand
{
    public static GetMembers Instance { get; } = new();
}

public sealed record ChannelMembers(IReadOnlyList<PresenceMember> Members);

/// <summary>Told to a connection whose subscription the channel refused (for example a full presence channel).</summary>
public sealed record SubscriptionRefused(string Channel);

/// <summary>
/// Occupied channels of an app on this node, with local subscription counts and cluster-wide user counts;
/// answered with <see cref="ChannelList"/>. Asked of every node to build the cluster-wide answer.
/// </summary>
public sealed record GetChannels(string AppId) : IBusMessage;

public sealed record ChannelList(IReadOnlyList<ChannelInfo> Channels) : IBusMessage;

/// <summary>Counts of one channel; answered with <see cref="ChannelInfo"/> (zeros when unoccupied).</summary>
public sealed record GetChannel(string AppId, string Channel) : IBusMessage;

/// <summary>How many channel actors are alive on this node; answered with an <see cref="int"/>.</summary>
public sealed record GetChannelActorCount
{
    public static GetChannelActorCount Instance { get; } = new();
}

/// <summary>What this node's registry holds; answered with <see cref="RegistryStats"/>.</summary>
public sealed record GetRegistryStats
{
    public static GetRegistryStats Instance { get; } = new();
}

/// <param name="Channels">Channels with a subscriber on this node.</param>
/// <param name="Subscriptions">Socket subscriptions on this node.</param>
/// <param name="LocalPresenceMembers">Presence members (user, channel) with a socket on this node.</param>
/// <param name="ClusterPresenceMembers">Presence members (user, channel) in the whole cluster, as this node's replica sees them.</param>
public sealed record RegistryStats(int Channels, int Subscriptions, int LocalPresenceMembers, int ClusterPresenceMembers);
