using Broadcaster.Node.Configuration;
using Microsoft.AspNetCore.Connections;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// Sits in front of Kestrel's HTTP layer on the node's port (behind TLS when it is on): it reads a new connection's
/// first request head, and when it is a Pusher WebSocket upgrade, answers the handshake itself and runs the connection
/// on the transport pipes. Kestrel's HTTP/1.1 state for a connection (about 11 KiB of managed heap, measured) then
/// never exists for a WebSocket; every other request (HTTP API, health, metrics) goes on to the HTTP layer untouched.
/// </summary>
public sealed class PusherConnectionMiddleware(PusherWebSocketEndpoint endpoint, BroadcasterOptions options)
{
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        UpgradeRequest? upgrade;
        try
        {
            upgrade = await ReadUpgradeAsync(connection);
        }
        catch (OperationCanceledException)
        {
            // No request head in time, or the client went away while sending it.
            connection.Abort();
            return;
        }
        if (upgrade is null)
        {
            await next(connection);
            return;
        }
        await connection.Transport.Output.WriteAsync(WebSocketHandshake.SwitchingProtocols(upgrade.WebSocketKey), connection.ConnectionClosed);
        await endpoint.ServeAsync(upgrade.Request, connection.Transport, connection.Abort, connection.ConnectionClosed);
    }

    /// <summary>The upgrade, with its head consumed; or null with nothing consumed, for the HTTP layer to read.</summary>
    private async Task<UpgradeRequest?> ReadUpgradeAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        // A client that sends no complete request head in time is dropped, as Kestrel does with other requests.
        timeout.CancelAfter(options.RequestHeadersTimeout);
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var status = UpgradeRequestParser.TryParse(buffer, options.PathPrefix, out var upgrade, out var end);
            if (status == UpgradeRequestParser.Status.PusherUpgrade)
            {
                input.AdvanceTo(end);
                return upgrade;
            }
            if (status == UpgradeRequestParser.Status.Other || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                return null;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
