using Broadcaster.Actors.Sockets;

namespace Broadcaster.Actors.Channels;

/// <summary>
/// One socket of a channel as fan-out sees it: the socket, and on presence channels the user it joined as (member
/// events are not sent to the user's own sockets). A struct, so a channel's subscriber array is one allocation.
/// </summary>
public readonly record struct Subscriber(IPusherSocket Socket, string? UserId);
