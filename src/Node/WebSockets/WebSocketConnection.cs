using System.Net.WebSockets;
using System.Threading.Channels;
using Broadcaster.Actors.Sockets;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// The write side of one WebSocket: a bounded queue of frames and the only loop that sends on the socket
/// (a WebSocket allows one sender at a time). Actors enqueue from any thread and never wait.
/// </summary>
public sealed class WebSocketConnection : IPusherSocket
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);

    private readonly WebSocket _socket;
    private readonly Channel<ReadOnlyMemory<byte>> _queue;
    private readonly CancellationTokenSource _abort = new();
    private int _closeCode;
    private string _closeReason = "";
    private volatile bool _slowConsumer;

    private readonly AppTraffic _traffic;

    public WebSocketConnection(WebSocket socket, string socketId, int queueSize, AppTraffic traffic)
    {
        _socket = socket;
        _traffic = traffic;
        SocketId = socketId;
        _queue = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(queueSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string SocketId { get; }

    /// <summary>The close code this side asked for, or 0.</summary>
    public int CloseCode => Volatile.Read(ref _closeCode);

    public bool IsClosing => CloseCode != 0;

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        if (_queue.Writer.TryWrite(frame)) return true;
        if (IsClosing) return false;
        // The client stopped reading: drop what is queued and close rather than grow memory or slow its channels.
        _slowConsumer = true;
        _traffic.SlowConsumerClosed();
        Close(4100, "Slow consumer: the client did not read its messages in time");
        _abort.CancelAfter(CloseTimeout);
        return false;
    }

    public void Close(int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, code, 0) != 0) return;
        _closeReason = reason;
        _queue.Writer.TryComplete();
    }

    /// <summary>Drains the queue onto the socket until <see cref="Close"/>, then sends the close frame.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            var reader = _queue.Reader;
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                while (!_slowConsumer && reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, WebSocketMessageType.Text, true, _abort.Token);
                    _traffic.MessageSent(frame.Length);
                }
                if (_slowConsumer) break;
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
                timeout.CancelAfter(CloseTimeout);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)CloseCode, _closeReason, timeout.Token);
            }
            // The client now has a moment to answer our close frame; after that the read loop is cut off.
            _abort.CancelAfter(CloseTimeout);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    /// <summary>Cancelled when the socket is being dropped without a close handshake; the read loop stops on it.</summary>
    public CancellationToken Aborted => _abort.Token;
}
