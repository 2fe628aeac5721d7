namespace Broadcaster.Node.WebSockets;

/// <summary>A valid WebSocket upgrade of <c>[prefix]/app/{key}</c>, as the connection middleware read it.</summary>
/// <param name="Request">What the Pusher handshake checks.</param>
/// <param name="WebSocketKey">The client's <c>Sec-WebSocket-Key</c>.</param>
public sealed record UpgradeRequest(WebSocketRequest Request, string WebSocketKey);
