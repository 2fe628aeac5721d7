using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Broadcaster.Bench;

/// <summary>
/// One subscriber: a <see cref="ClientWebSocket"/> that connects, subscribes to one channel and then runs a
/// receive loop handing every complete message to an <see cref="IFrameSink"/>.
/// </summary>
public sealed class BenchClient : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket;
    private readonly int _index;
    private readonly IFrameSink _sink;
    private Task _loop = Task.CompletedTask;
    private volatile bool _disposing;

    private BenchClient(ClientWebSocket socket, int index, IFrameSink sink)
    {
        _socket = socket;
        _index = index;
        _sink = sink;
    }

    /// <summary>Connects, waits for connection_established, subscribes and waits for subscription_succeeded, then starts reading.</summary>
    public static async Task<BenchClient> ConnectAsync(Uri uri, string channel, int index, IFrameSink sink, CancellationToken cancel)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var client = new BenchClient(socket, index, sink);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(HandshakeTimeout);
            await socket.ConnectAsync(uri, timeout.Token);
            await client.ExpectAsync("pusher:connection_established", timeout.Token);
            var subscribe = Encoding.UTF8.GetBytes($$$"""{"event":"pusher:subscribe","data":{"channel":"{{{channel}}}","auth":""}}""");
            await socket.SendAsync(subscribe, WebSocketMessageType.Text, true, timeout.Token);
            await client.ExpectAsync("pusher_internal:subscription_succeeded", timeout.Token);
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
        client._loop = Task.Run(client.ReceiveLoopAsync, CancellationToken.None);
        return client;
    }

    private async Task ExpectAsync(string eventName, CancellationToken cancel)
    {
        var buffer = new byte[4096];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var result = await _socket.ReceiveAsync(buffer.AsMemory(filled), cancel);
            if (result.MessageType == WebSocketMessageType.Close)
                throw new InvalidOperationException($"server closed the socket ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before {eventName}");
            filled += result.Count;
            if (!result.EndOfMessage) continue;
            var text = Encoding.UTF8.GetString(buffer, 0, filled);
            if (!text.Contains($"\"event\":\"{eventName}\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"expected {eventName}, got {text}");
            return;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var result = await _socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_disposing) _sink.OnLost(_index, $"server closed the socket: {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription}");
                    if (_socket.State == WebSocketState.CloseReceived)
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                filled += result.Count;
                if (!result.EndOfMessage) continue;
                _sink.OnFrame(_index, buffer.AsSpan(0, filled), Stopwatch.GetTimestamp());
                filled = 0;
            }
        }
        catch (Exception e)
        {
            if (!_disposing) _sink.OnLost(_index, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Sends a close frame, waits briefly for the server's, then releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            await _loop.WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception)
        {
            // The socket is aborted below whatever went wrong while closing it.
        }
        _socket.Abort();
        _socket.Dispose();
    }
}
