using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Broadcaster.Bench.Framing;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>
/// One Pusher client on a raw <see cref="Socket"/>: its own RFC 6455 client (handshake, masked frames, ping and
/// <c>pusher:ping</c> answered, close), receiving with one reused <see cref="SocketAsyncEventArgs"/> into one buffer
/// it owns. Frames are parsed in that buffer; a received message allocates nothing.
/// </summary>
public sealed class ClientSocket : IFrameHandler
{
    private static readonly byte[] PusherPong = "{\"event\":\"pusher:pong\",\"data\":{}}"u8.ToArray();

    private readonly Socket _socket;
    private readonly SocketAsyncEventArgs _receive = new();
    private readonly FrameAssembler _frames;
    private readonly ClientListener _listener;
    private readonly string _accept;
    private readonly object _sendLock = new();
    private readonly TaskCompletionSource _established = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _subscribed;
    private bool _open;
    private long _receivedAt;
    private int _closed;
    private volatile bool _paused;
    private volatile bool _closing;
    private int _parked;
    private uint _mask;

    private ClientSocket(Socket socket, ClientSettings settings, int index, int group, ClientListener listener)
    {
        _socket = socket;
        _listener = listener;
        Index = index;
        Group = group;
        _frames = new FrameAssembler(settings.ReceiveBufferBytes);
        _mask = (uint)Random.Shared.Next() | 1;
        _receive.Completed += (_, e) =>
        {
            if (Process(e)) ReceiveLoop();
        };
        var key = WebSocketHandshake.NewKey();
        _accept = WebSocketHandshake.Accept(key);
        var request = WebSocketHandshake.Request($"{settings.Server}", settings.PathAndQuery, key);
        SendRaw(request);
    }

    /// <summary>The client's number, unique among the clients of one listener: scenarios index their per-client state by it.</summary>
    public int Index { get; }

    /// <summary>Which set of clients this one belongs to (in the cluster scenario: the node it is connected to).</summary>
    public int Group { get; }

    public string SocketId { get; private set; } = "";

    /// <summary>0 while open; the server's close code, 1006 when the connection dropped without one, -1 after <see cref="Abort"/>.</summary>
    public int CloseCode { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Set by a scenario when it sends a subscribe it times (presence churn).</summary>
    public long SubscribeSentAt { get; set; }

    /// <summary>Connects from this client's source address, sends the handshake and waits for <c>pusher:connection_established</c>.</summary>
    public static async Task<ClientSocket> ConnectAsync(ClientSettings settings, int index, int group, ClientListener listener, CancellationToken cancel)
    {
        var socket = new Socket(settings.Server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        ClientSocket? client = null;
        try
        {
            if (settings.SocketReceiveBufferBytes is { } size) socket.ReceiveBufferSize = size;
            socket.Bind(new System.Net.IPEndPoint(ClientSettings.SourceAddress(index), 0));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(settings.HandshakeTimeout);
            await socket.ConnectAsync(settings.Server, timeout.Token);
            client = new ClientSocket(socket, settings, index, group, listener);
            client.ReceiveLoop();
            await client._established.Task.WaitAsync(timeout.Token);
            return client;
        }
        catch
        {
            if (client is null) socket.Dispose(); else client.Abort();
            throw;
        }
    }

    /// <summary>Subscribes to a public channel and waits for <c>pusher_internal:subscription_succeeded</c>.</summary>
    public Task SubscribeAsync(string channel, TimeSpan timeout) =>
        SubscribeAsync(Encoding.UTF8.GetBytes($$$"""{"event":"pusher:subscribe","data":{"channel":"{{{channel}}}","auth":""}}"""), timeout);

    /// <summary>Sends a whole <c>pusher:subscribe</c> message (with its auth) and waits for the reply.</summary>
    public Task SubscribeAsync(byte[] subscribe, TimeSpan timeout)
    {
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _subscribed, succeeded);
        SendText(subscribe);
        return succeeded.Task.WaitAsync(timeout);
    }

    /// <summary>Sends one text message (masked, as a client must).</summary>
    public void SendText(ReadOnlySpan<byte> json) => SendFrame(FrameHeader.Text, json);

    /// <summary>Stops reading: what the server sends piles up in the kernel's buffers, as with a client that hangs.</summary>
    public void Pause() => _paused = true;

    public void Resume()
    {
        _paused = false;
        if (Interlocked.Exchange(ref _parked, 0) == 1) ReceiveLoop();
    }

    /// <summary>Sends <c>pusher:unsubscribe</c> for <paramref name="channel"/>; the server sends no reply.</summary>
    public void Unsubscribe(string channel) => SendText(SubscribeMessages.Unsubscribe(channel));

    /// <summary>
    /// Starts the closing handshake (close 1000), as a client that leaves politely: the server answers with its own close
    /// frame and ends the connection, which then reports <see cref="ClientListener.OnClosed"/> with 1000.
    /// </summary>
    public void Close()
    {
        _closing = true;
        SendFrame(FrameHeader.Close, [0x03, 0xE8]);
    }

    /// <summary>Drops the connection with a reset: the load generator's own teardown, not reported to the listener.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        CloseCode = -1;
        Release();
    }

    private void ReceiveLoop()
    {
        try
        {
            while (!IsClosed)
            {
                if (_paused)
                {
                    Volatile.Write(ref _parked, 1);
                    // Resume may have run between the check and the write: whoever takes the flag back reads on.
                    if (_paused || Interlocked.Exchange(ref _parked, 0) == 0) return;
                }
                _receive.SetBuffer(_frames.Buffer, _frames.Filled, _frames.Free);
                if (_socket.ReceiveAsync(_receive)) return;
                if (!Process(_receive)) return;
            }
        }
        catch (ObjectDisposedException)
        {
            // Aborted while a receive was being started.
        }
    }

    /// <summary>Handles one completed receive; false when the connection is over.</summary>
    private bool Process(SocketAsyncEventArgs e)
    {
        if (e.SocketError != SocketError.Success || e.BytesTransferred == 0)
        {
            Closed(1006);
            return false;
        }
        _frames.Received(e.BytesTransferred);
        try
        {
            Consume(Stopwatch.GetTimestamp());
        }
        catch (InvalidDataException error)
        {
            _established.TrySetException(error);
            Closed(1002);
        }
        return !IsClosed;
    }

    private void Consume(long receivedAt)
    {
        if (!_open)
        {
            var length = WebSocketHandshake.ReadResponse(_frames.Pending, _accept);
            if (length == 0)
            {
                if (_frames.Free == 0) throw new InvalidDataException("handshake response larger than the receive buffer");
                return;
            }
            _frames.Discard(length);
            _open = true;
        }
        _receivedAt = receivedAt;
        _frames.Read(this);
    }

    bool IFrameHandler.OnFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        switch (header.Opcode)
        {
            case FrameHeader.Text:
                OnMessage(payload, _receivedAt);
                break;
            case FrameHeader.Ping:
                SendFrame(FrameHeader.Pong, payload);
                break;
            case FrameHeader.Close:
                var code = payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
                // The answer to a close frame, unless it is the answer to ours (RFC 6455 5.5.1).
                if (!_closing) SendFrame(FrameHeader.Close, payload.Length >= 2 ? payload[..2] : []);
                Closed(code);
                break;
        }
        return !IsClosed;
    }

    private void OnMessage(ReadOnlySpan<byte> json, long receivedAt)
    {
        switch (PusherMessage.Classify(json))
        {
            case PusherMessageKind.Bench:
                if (BenchPayload.TryRead(json, out var phase, out var seq, out var sentAt)) _listener.OnEvent(this, phase, seq, sentAt, receivedAt);
                break;
            case PusherMessageKind.ConnectionEstablished:
                if (PusherMessage.TryReadSocketId(json, out var socketId)) SocketId = socketId;
                _established.TrySetResult();
                break;
            case PusherMessageKind.SubscriptionSucceeded:
                _listener.OnSubscribed(this, receivedAt);
                Interlocked.Exchange(ref _subscribed, null)?.TrySetResult();
                break;
            case PusherMessageKind.MemberAdded:
                _listener.OnMember(this, added: true, json);
                break;
            case PusherMessageKind.MemberRemoved:
                _listener.OnMember(this, added: false, json);
                break;
            case PusherMessageKind.Ping:
                SendText(PusherPong);
                break;
            case PusherMessageKind.Error:
                var code = PusherMessage.ReadErrorCode(json);
                _listener.OnError(this, code);
                var error = new InvalidOperationException($"pusher:error {code}: {Encoding.UTF8.GetString(json)}");
                _established.TrySetException(error);
                Interlocked.Exchange(ref _subscribed, null)?.TrySetException(error);
                break;
        }
    }

    private void SendFrame(byte opcode, ReadOnlySpan<byte> payload)
    {
        var size = payload.Length + FrameWriter.MaxHeaderLength;
        var rented = size > 512 ? ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> frame = rented is null ? stackalloc byte[512] : rented;
        try
        {
            lock (_sendLock)
            {
                // xorshift32: a different key per frame, as RFC 6455 asks, without a random number generator call.
                _mask ^= _mask << 13;
                _mask ^= _mask >> 17;
                _mask ^= _mask << 5;
                var length = FrameWriter.Write(frame, opcode, payload, _mask);
                SendRaw(frame[..length]);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void SendRaw(ReadOnlySpan<byte> bytes)
    {
        if (IsClosed) return;
        try
        {
            var sent = 0;
            while (sent < bytes.Length) sent += _socket.Send(bytes[sent..]);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Closed(1006);
        }
    }

    private void Closed(int code)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        CloseCode = code;
        var error = new IOException($"connection closed ({code})");
        _established.TrySetException(error);
        Interlocked.Exchange(ref _subscribed, null)?.TrySetException(error);
        _listener.OnClosed(this, code);
        Release();
    }

    private void Release()
    {
        try
        {
            // A reset rather than a FIN: no TIME_WAIT left behind on the client's ports.
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
        _socket.Dispose();
        _receive.Dispose();
    }
}
