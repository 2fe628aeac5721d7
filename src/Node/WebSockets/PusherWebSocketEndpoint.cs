using System.IO.Pipelines;
using Akka.Actor;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Connections;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Metrics;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Microsoft.AspNetCore.Http.Features;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// A Pusher WebSocket connection on <c>[prefix]/app/{key}</c>: checks the handshake in PROTOCOL.md 1.3 order, then
/// runs the read loop that hands parsed frames to the socket's <see cref="ConnectionActor"/>, over the framing of
/// <see cref="FrameReader"/> and <see cref="WebSocketConnection"/>. Most connections reach it straight from the
/// <see cref="PusherConnectionMiddleware"/>, which takes the upgrade off Kestrel's HTTP layer; an upgrade that comes
/// as a later request of a kept-alive HTTP connection (a proxy reusing one) arrives through <see cref="HandleAsync"/>.
/// </summary>
public sealed class PusherWebSocketEndpoint(
    BroadcasterOptions options, AppDirectory apps, AppConnectionCounter counter, NodeActors actors,
    ConnectionTracker tracker, ReadinessGate readiness, NodeMetrics metrics, ILogger<PusherWebSocketEndpoint> logger)
{
    /// <summary>The route's handler, for upgrades Kestrel's HTTP layer parsed (and for plain requests, which get 400).</summary>
    public async Task HandleAsync(HttpContext context, string key)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var headers = context.Request.Headers;
        if (upgrade is not { IsUpgradableRequest: true } || !HttpMethods.IsGet(context.Request.Method)
            || !headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase)
            || !WebSocketHandshake.IsValidKey(headers.SecWebSocketKey))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "This is a WebSocket endpoint: connect with a Pusher client" });
            return;
        }
        if (headers.SecWebSocketVersion != "13")
        {
            context.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            context.Response.Headers.SecWebSocketVersion = "13";
            await context.Response.WriteAsJsonAsync(new { error = "Unsupported WebSocket version: use 13" });
            return;
        }
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = WebSocketHandshake.AcceptKey(headers.SecWebSocketKey!);
        await using var stream = await upgrade.UpgradeAsync();
        var pipe = new StreamDuplexPipe(stream);
        var request = new WebSocketRequest(key, context.Request.Query["protocol"].ToString(), headers.Origin.ToString());
        try
        {
            await ServeAsync(request, pipe, context.Abort, context.RequestAborted);
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    /// <summary>Runs one accepted WebSocket (the 101 response is already out) until it closes.</summary>
    public async Task ServeAsync(WebSocketRequest request, IDuplexPipe pipe, Action abort, CancellationToken aborted)
    {
        var app = apps.ByKey(request.AppKey);
        if (AppRefusal(app, request) is { } refusal)
        {
            await RefuseAsync(pipe, abort, refusal.Code, refusal.Message, aborted);
            return;
        }
        // Until the node has linked with the others its clients would miss their events: the client waits, and is
        // sent elsewhere (4200: pusher-js reconnects at once, through the load balancer) if that takes too long.
        if (!await readiness.WaitAsync(options.Cluster.QueryTimeout, aborted))
        {
            if (!aborted.IsCancellationRequested) await RefuseAsync(pipe, abort, 4200, "Server is starting. Please reconnect shortly.", aborted);
            return;
        }
        if (!tracker.TryReserve(options.MaxConnections))
        {
            metrics.OverCapacity();
            await RefuseAsync(pipe, abort, 4100, "Over capacity", aborted);
            return;
        }
        try
        {
            if (!counter.TryAcquire(app!.Id, app.MaxConnections))
            {
                await RefuseAsync(pipe, abort, 4004, "Application is over connection quota", aborted);
                return;
            }
            try
            {
                if (ConnectionRefusal(app, request) is { } late) await RefuseAsync(pipe, abort, late.Code, late.Message, aborted);
                else await ServeAppAsync(pipe, abort, app, aborted);
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
    private static (int Code, string Message)? AppRefusal(PusherApp? app, WebSocketRequest request)
    {
        if (app is null) return (4001, "Application does not exist");
        if (!app.Enabled) return (4003, "Application disabled");
        if (!int.TryParse(request.Protocol, out var version) || version is < 4 or > 7) return (4007, "Unsupported protocol version");
        return null;
    }

    /// <summary>The checks after the connection quota.</summary>
    private (int Code, string Message)? ConnectionRefusal(PusherApp app, WebSocketRequest request)
    {
        if (!app.IsOriginAllowed(request.Origin)) return (4009, "Origin not allowed");
        if (tracker.ShuttingDown) return (4200, "Server is closing. Please reconnect shortly.");
        return null;
    }

    /// <summary>The error as a Pusher frame, then the close with the same code; waits for the client's close.</summary>
    private async Task RefuseAsync(IDuplexPipe pipe, Action abort, int code, string message, CancellationToken aborted)
    {
        var connection = new WebSocketConnection(pipe.Output, abort, "", 2, new AppTraffic());
        var writer = connection.RunWriterAsync();
        connection.TrySend(ServerFrames.Error(code, message));
        connection.Close(code, message);
        await ReadLoop.RunAsync(pipe.Input, connection, null, options.Limits.MaxMessageBytes, new AppTraffic(), aborted);
        await EndAsync(connection, writer);
    }

    private async Task ServeAppAsync(IDuplexPipe pipe, Action abort, PusherApp app, CancellationToken aborted)
    {
        var traffic = metrics.For(app.Id);
        var connection = new WebSocketConnection(pipe.Output, abort, SocketId.New(), options.OutgoingQueueSize, traffic);
        traffic.Connected();
        var writer = connection.RunWriterAsync();
        tracker.Add(connection);
        IActorRef? actor = null;
        try
        {
            actor = await actors.Connections.Ask<IActorRef>(new OpenConnection(app, connection), TimeSpan.FromSeconds(10));
            await ReadLoop.RunAsync(pipe.Input, connection, actor, options.Limits.MaxMessageBytes, traffic, aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException and not IOException)
        {
            logger.LogError(e, "Connection {SocketId} failed", connection.SocketId);
        }
        finally
        {
            actor?.Tell(SocketClosed.Instance);
            await EndAsync(connection, writer);
            tracker.Remove(connection);
            traffic.Disconnected();
        }
    }

    /// <summary>
    /// Closes (if not already) and lets the writer get the close frame out; a client that does not read is cut off
    /// after <see cref="WebSocketConnection.CloseTimeout"/>, so no connection outlives its close by more.
    /// </summary>
    private static async Task EndAsync(WebSocketConnection connection, Task writer)
    {
        connection.Close(1000, "");
        try
        {
            await writer.WaitAsync(WebSocketConnection.CloseTimeout, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            connection.Abort();
            await writer;
        }
        connection.Finish();
    }
}
