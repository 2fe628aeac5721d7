using Broadcaster.Actors.Sockets;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Actors.Connections;

/// <summary>A frame read from the socket: parsed, or the reason it could not be.</summary>
public sealed record ClientFrameReceived(ClientFrame? Frame, string? ParseError)
{
    public static ClientFrameReceived Of(ClientFrame frame) => new(frame, null);
    public static ClientFrameReceived Invalid(string error) => new(null, error);
}

/// <summary>
/// The client sent a WebSocket ping or pong: no Pusher message, but proof that it is alive (PROTOCOL.md 1.4), so it
/// counts as activity like any frame.
/// </summary>
public sealed record ClientAlive
{
    public static ClientAlive Instance { get; } = new();
}

/// <summary>The socket is gone: leave every channel and stop.</summary>
public sealed record SocketClosed
{
    public static SocketClosed Instance { get; } = new();
}

/// <summary>Asks the <see cref="ConnectionSupervisor"/> for a new connection actor; answered with its IActorRef.</summary>
public sealed record OpenConnection(PusherApp App, IPusherSocket Socket);

/// <summary>How many connection actors are alive on this node; answered with an <see cref="int"/>.</summary>
public sealed record GetConnectionActorCount
{
    public static GetConnectionActorCount Instance { get; } = new();
}

internal sealed record LivenessTick
{
    public static LivenessTick Instance { get; } = new();
}

internal sealed record AuthorizationDeadline
{
    public static AuthorizationDeadline Instance { get; } = new();
}
