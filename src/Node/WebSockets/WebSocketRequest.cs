namespace Broadcaster.Node.WebSockets;

/// <summary>What a Pusher connection request carries that the handshake checks (PROTOCOL.md 1.1, 1.3).</summary>
/// <param name="AppKey">The <c>{key}</c> of <c>/app/{key}</c>.</param>
/// <param name="Protocol">The <c>protocol</c> query parameter, as sent.</param>
/// <param name="Origin">The <c>Origin</c> header, or empty.</param>
public sealed record WebSocketRequest(string AppKey, string Protocol, string Origin);
