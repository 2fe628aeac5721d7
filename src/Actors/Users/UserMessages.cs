using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Users;

/// <summary>From a connection actor whose <c>pusher:signin</c> succeeded (again, if it signs in anew); the sender is the connection.</summary>
public sealed record UserSignedIn(PusherApp App, UserData User, IPusherSocket Socket);

/// <summary>To a connection actor: the app terminated its user's connections (PROTOCOL.md 6.8); close with 4009.</summary>
public sealed record TerminateConnection
{
    public static TerminateConnection Instance { get; } = new();
}

/// <summary>Answered with the number of signed-in connections on this node (for tests and status).</summary>
public sealed record GetSignedInCount
{
    public static GetSignedInCount Instance { get; } = new();
}
