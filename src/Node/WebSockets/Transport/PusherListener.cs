using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Broadcaster.Node.WebSockets.Transport;

/// <summary>
/// The node's plain (non-TLS) port, below Kestrel: it accepts every TCP connection itself and looks at the first
/// request without reading it (a peek). A Pusher WebSocket upgrade is served by <see cref="OwnedSocket"/> on the bare
/// socket; anything else (the HTTP API, health, metrics, a refused upgrade) is handed to Kestrel untouched, as a
/// connection of Kestrel's own socket transport. A WebSocket then costs neither Kestrel's transport (two pipes and
/// their loops, about 2.6 KiB a connection, measured) nor a place in Kestrel's connection manager, whose heartbeat
/// walks every connection it holds once a second.
/// </summary>
public sealed class PusherListener : IConnectionListener
{
    /// <summary>Pending connections the kernel queues while the accept loop catches up (a reconnect storm).</summary>
    private const int Backlog = 4096;

    private readonly Socket _listen;
    private readonly SocketConnectionContextFactory _forKestrel;
    private readonly Func<OwnedSocket> _owned;
    private readonly string _pathPrefix;
    private readonly TimeSpan _headTimeout;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _handedOver = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();

    /// <param name="owned">The server of upgraded sockets, resolved when the first one arrives (the node's actors start after binding).</param>
    /// <param name="headTimeout">A connection that has not sent a whole request head by then is closed (slowloris).</param>
    public PusherListener(EndPoint endpoint, SocketConnectionContextFactory forKestrel, Func<OwnedSocket> owned, string pathPrefix,
        TimeSpan headTimeout, ILogger logger)
    {
        try
        {
            _listen = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            // What Kestrel's own transport throws, so Kestrel reports it (and the node names its port setting).
            throw new AddressInUseException(e.Message, e);
        }
        _listen.Listen(Backlog);
        _forKestrel = forKestrel;
        _owned = owned;
        _pathPrefix = pathPrefix;
        _headTimeout = headTimeout;
        _logger = logger;
        _ = AcceptLoopAsync();
    }

    public EndPoint EndPoint => _listen.LocalEndPoint!;

    /// <summary>Kestrel's accept: the next connection that is not a Pusher WebSocket; null once unbound.</summary>
    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _handedOver.Reader.WaitToReadAsync(cancellationToken))
                if (_handedOver.Reader.TryRead(out var connection)) return connection;
        }
        catch (OperationCanceledException)
        {
            // Kestrel stops accepting.
        }
        return null;
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _forKestrel.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        _listen.Dispose();
        _handedOver.Writer.TryComplete();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listen.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors, or a connection reset while queued: keep accepting the others.
                _logger.LogWarning("Accepting a connection failed: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
                continue;
            }
            socket.NoDelay = true;
            _ = RouteAsync(socket);
        }
    }

    /// <summary>Decides, without consuming a byte, whether the connection is ours or Kestrel's.</summary>
    private async Task RouteAsync(Socket socket)
    {
        try
        {
            var upgrade = await PeekUpgradeAsync(socket);
            if (upgrade is { } ours)
            {
                await _owned().ServeAsync(socket, ours.Head, ours.HeadLength);
                return;
            }
            var connection = _forKestrel.Create(socket);
            if (!_handedOver.Writer.TryWrite(connection)) await connection.DisposeAsync();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Gone before it said anything, or said nothing in time.
            socket.Dispose();
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A connection failed before it was served");
            socket.Dispose();
        }
    }

    /// <summary>The Pusher upgrade the connection starts with, or null when it is anything else.</summary>
    private async Task<(UpgradeRequest Head, int HeadLength)?> PeekUpgradeAsync(Socket socket)
    {
        // No request head in time: the socket is closed, which ends the wait below. A timer, not a cancellation token
        // passed to the receive: the socket keeps the token of its last receive, and with it the token's source.
        using var deadline = TimeProvider.System.CreateTimer(static state => ((Socket)state!).Dispose(), socket,
            _headTimeout, Timeout.InfiniteTimeSpan);
        // Wait for the first bytes holding no buffer: a connection that is slow to speak costs nothing but its socket.
        await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeRequestParser.MaxHeadBytes);
        try
        {
            var pause = TimeSpan.FromMilliseconds(5);
            var seen = -1;
            while (true)
            {
                var peeked = await socket.ReceiveAsync(buffer.AsMemory(0, UpgradeRequestParser.MaxHeadBytes), SocketFlags.Peek);
                if (peeked == 0 || !UpgradeRequestParser.CouldBePusherUpgrade(buffer.AsSpan(0, peeked), _pathPrefix)) return null;
                var head = new ReadOnlySequence<byte>(buffer, 0, peeked);
                var status = UpgradeRequestParser.TryParse(head, _pathPrefix, out var upgrade, out var end);
                if (status == UpgradeRequestParser.Status.PusherUpgrade) return (upgrade!, (int)head.Slice(0, end).Length);
                if (status == UpgradeRequestParser.Status.Other) return null;
                // The head came in pieces (rare: clients send it in one). A peek returns at once while any byte is
                // there, so wait a little, longer each time, until more has come.
                if (peeked == seen) pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
                seen = peeked;
                await Task.Delay(pause, TimeProvider.System);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
