using System.Buffers;
using System.Net.WebSockets;
using Akka.Actor;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Metrics;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// <c>[prefix]/app/{key}</c>: checks the handshake in PROTOCOL.md 1.3 order, then runs the read loop that
/// hands parsed frames to the socket's <see cref="ConnectionActor"/>.
/// </summary>
public sealed class PusherWebSocketEndpoint(
    BroadcasterOptions options, AppDirectory apps, AppConnectionCounter counter, NodeActors actors,
    ConnectionTracker tracker, NodeMetrics metrics, ILogger<PusherWebSocketEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context, string key)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "This is a WebSocket endpoint: connect with a Pusher client" });
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            // Unsolicited pongs keep idle sockets alive through proxies such as nginx (proxy_read_timeout 60s).
            KeepAliveInterval = TimeSpan.FromSeconds(25),
        });
        var app = apps.ByKey(key);
        if (AppRefusal(app, context) is { } refusal)
        {
            await RefuseAsync(socket, refusal.Code, refusal.Message);
            return;
        }
        if (!tracker.TryReserve(options.MaxConnections))
        {
            metrics.OverCapacity();
            await RefuseAsync(socket, 4100, "Over capacity");
            return;
        }
        try
        {
            if (!counter.TryAcquire(app!.Id, app.MaxConnections))
            {
                await RefuseAsync(socket, 4004, "Application is over connection quota");
                return;
            }
            try
            {
                if (ConnectionRefusal(app, context) is { } late) await RefuseAsync(socket, late.Code, late.Message);
                else await ServeAsync(socket, app, context.RequestAborted);
            }
            finally
            {
                counter.Release(app.Id);
            }
        }
        finally
        {
            tracker.ReleaseReservation();
        }
    }

    /// <summary>The checks before the connection quota, in PROTOCOL.md 1.3 order.</summary>
    private static (int Code, string Message)? AppRefusal(PusherApp? app, HttpContext context)
    {
        if (app is null) return (4001, "Application does not exist");
        if (!app.Enabled) return (4003, "Application disabled");
        var protocol = context.Request.Query["protocol"].ToString();
        if (!int.TryParse(protocol, out var version) || version is < 4 or > 7) return (4007, "Unsupported protocol version");
        return null;
    }

    /// <summary>The checks after the connection quota.</summary>
    private (int Code, string Message)? ConnectionRefusal(PusherApp app, HttpContext context)
    {
        if (!app.IsOriginAllowed(context.Request.Headers.Origin.ToString())) return (4009, "Origin not allowed");
        if (tracker.ShuttingDown) return (4200, "Server is closing. Please reconnect shortly.");
        return null;
    }

    private static async Task RefuseAsync(WebSocket socket, int code, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.SendAsync(ServerFrames.Error(code, message), WebSocketMessageType.Text, true, timeout.Token);
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, message, timeout.Token);
            // Let the client answer the close so it sees our code rather than a dropped connection.
            var buffer = new byte[256];
            while (socket.State == WebSocketState.CloseSent)
                await socket.ReceiveAsync(buffer, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            socket.Abort();
        }
    }

    private async Task ServeAsync(WebSocket socket, PusherApp app, CancellationToken requestAborted)
    {
        var traffic = metrics.For(app.Id);
        var connection = new WebSocketConnection(socket, SocketId.New(), options.OutgoingQueueSize, traffic);
        traffic.Connected();
        var writer = connection.RunWriterAsync();
        tracker.Add(connection);
        IActorRef? actor = null;
        try
        {
            actor = await actors.Connections.Ask<IActorRef>(new OpenConnection(app, connection), TimeSpan.FromSeconds(10));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, connection.Aborted);
            await ReadLoopAsync(socket, connection, actor, traffic, stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException)
        {
            // The client went away or was cut off: clean-up below is the same either way.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Connection {SocketId} failed", connection.SocketId);
        }
        finally
        {
            actor?.Tell(SocketClosed.Instance);
            connection.Close(1000, "");
            await writer;
            tracker.Remove(connection);
            traffic.Disconnected();
        }
    }

    private async Task ReadLoopAsync(WebSocket socket, WebSocketConnection connection, IActorRef actor, AppTraffic traffic, CancellationToken ct)
    {
        var max = options.Limits.MaxMessageBytes;
        while (true)
        {
            // A zero-byte read waits for data without holding a buffer, so idle sockets cost no receive memory.
            var peek = await socket.ReceiveAsync(Memory<byte>.Empty, ct);
            if (peek.MessageType == WebSocketMessageType.Close)
            {
                connection.Close(1000, "");
                return;
            }
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length > max)
                        {
                            await DrainAfterCloseAsync(socket, connection, 1009, $"Message too big: at most {max} bytes", ct);
                            return;
                        }
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
                    length += result.Count;
                } while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.Close(1000, "");
                    return;
                }
                if (length > max)
                {
                    await DrainAfterCloseAsync(socket, connection, 1009, $"Message too big: at most {max} bytes", ct);
                    return;
                }
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await DrainAfterCloseAsync(socket, connection, 1003, "Binary frames are not supported", ct);
                    return;
                }
                traffic.MessageReceived(length);
                actor.Tell(ClientFrameParser.TryParse(buffer.AsMemory(0, length), out var frame, out var error)
                    ? ClientFrameReceived.Of(frame!)
                    : ClientFrameReceived.Invalid(error));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>Closes with <paramref name="code"/> and discards whatever the client still sends until it answers the close.</summary>
    private static async Task DrainAfterCloseAsync(WebSocket socket, WebSocketConnection connection, int code, string reason, CancellationToken ct)
    {
        connection.Close(code, reason);
        var scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var r = await socket.ReceiveAsync(scratch.AsMemory(), ct);
                if (r.MessageType == WebSocketMessageType.Close) return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
