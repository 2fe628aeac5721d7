using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Broadcaster.Bench.Framing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Broadcaster.Bench.Baseline;

/// <summary>
/// One baseline connection on Kestrel's upgraded stream, framed by hand. Sends only queue the frame; one writer at a
/// time copies everything queued into one buffer and writes it with one write (one flush), so a socket that falls
/// behind catches up in few large writes instead of one write per frame.
/// </summary>
public sealed class BaselineSocket : IThreadPoolWorkItem
{
    /// <summary>As our server's default outgoing-queue-size: a client this far behind is closed with 4100.</summary>
    private const int MaxQueued = 1000;
    private const int MaxBatchBytes = 64 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);
    private static int _connected;

    private readonly Stream _stream;
    private readonly HttpContext _context;
    private readonly BaselineChannels _channels;
    private readonly ConcurrentQueue<byte[]> _queue = new();
    private readonly List<string> _subscriptions = [];
    private readonly TaskCompletionSource _idleAfterClose = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queued;
    private int _writing;
    private volatile bool _closing;

    private BaselineSocket(Stream stream, HttpContext context, BaselineChannels channels)
    {
        _stream = stream;
        _context = context;
        _channels = channels;
    }

    public static int Connected => Volatile.Read(ref _connected);

    /// <summary><c>/app/{key}</c>: the upgrade, <c>pusher:connection_established</c>, then reading until the client leaves.</summary>
    public static async Task AcceptAsync(HttpContext context, BaselineChannels channels)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
        if (upgrade is not { IsUpgradableRequest: true } || key.Length == 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] = WebSocketHandshake.Accept(key);
        var socket = new BaselineSocket(await upgrade.UpgradeAsync(), context, channels);
        Interlocked.Increment(ref _connected);
        try
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{Random.Shared.Next()}.{Random.Shared.Next()}");
            socket.Send(BaselineFrames.ConnectionEstablished(id));
            await socket.ReadLoopAsync(context.RequestAborted);
        }
        finally
        {
            foreach (var channel in socket._subscriptions) channels.Unsubscribe(channel, socket);
            Interlocked.Decrement(ref _connected);
        }
    }

    /// <summary>Queues a frame; never waits. Over <see cref="MaxQueued"/> frames behind, the socket is closed with 4100.</summary>
    public void Send(byte[] frame)
    {
        if (_closing) return;
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            _ = CloseAsync(4100, dropQueued: true);
            return;
        }
        _queue.Enqueue(frame);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = WriteAsync();

    private async Task WriteAsync()
    {
        var batch = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            while (true)
            {
                var length = 0;
                while (length < MaxBatchBytes && _queue.TryDequeue(out var frame))
                {
                    Interlocked.Decrement(ref _queued);
                    if (length + frame.Length > batch.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(batch.Length * 2, length + frame.Length));
                        batch.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(batch);
                        batch = bigger;
                    }
                    frame.CopyTo(batch, length);
                    length += frame.Length;
                }
                if (length > 0)
                {
                    await _stream.WriteAsync(batch.AsMemory(0, length));
                    continue;
                }
                Volatile.Write(ref _writing, 0);
                // A frame queued after the last dequeue saw the flag still set and left it to this writer.
                if (!_queue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0) continue;
                if (_closing) _idleAfterClose.TrySetResult();
                return;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            _idleAfterClose.TrySetResult();
            _context.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(batch);
        }
    }

    private async Task CloseAsync(int code, bool dropQueued)
    {
        if (_closing) return;
        _closing = true;
        if (dropQueued) _queue.Clear();
        Interlocked.Increment(ref _queued);
        _queue.Enqueue(BaselineFrames.Close(code));
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        // A client that does not read never lets the close frame out: cut it off after a moment.
        if (await Task.WhenAny(_idleAfterClose.Task, Task.Delay(CloseTimeout)) != _idleAfterClose.Task) _context.Abort();
    }

    private async Task ReadLoopAsync(CancellationToken cancel)
    {
        byte[]? buffer = null;
        var filled = 0;
        try
        {
            while (!_closing)
            {
                // A zero-byte read waits for data without holding a buffer, so idle sockets cost no receive memory.
                if (filled == 0) _ = await _stream.ReadAsync(Memory<byte>.Empty, cancel);
                buffer ??= ArrayPool<byte>.Shared.Rent(4096);
                if (filled == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await _stream.ReadAsync(buffer.AsMemory(filled), cancel);
                if (read == 0) return;
                filled += read;
                var used = HandleFrames(buffer.AsSpan(0, filled));
                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                filled -= used;
                if (filled > 0) continue;
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
            }
            await _idleAfterClose.Task.WaitAsync(CloseTimeout, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidDataException or TimeoutException)
        {
            // The client left, reset, or sent what is not WebSocket: the connection ends either way.
        }
        finally
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Handles every complete frame at the start of <paramref name="data"/>; returns how many bytes they took.</summary>
    private int HandleFrames(Span<byte> data)
    {
        var at = 0;
        while (!_closing && FrameHeader.TryRead(data[at..], out var header) && header.FrameLength <= data.Length - at)
        {
            var payload = data.Slice(at + header.HeaderLength, (int)header.PayloadLength);
            if (header.Masked) FrameWriter.Mask(payload, header.MaskKey, 0);
            at += (int)header.FrameLength;
            switch (header.Opcode)
            {
                case FrameHeader.Text:
                    OnMessage(payload);
                    break;
                case FrameHeader.Ping:
                    Send(FrameWriter.ServerFrame(FrameHeader.Pong, payload));
                    break;
                case FrameHeader.Close:
                    _ = CloseAsync(payload.Length >= 2 ? payload[0] << 8 | payload[1] : 1000, dropQueued: false);
                    break;
            }
        }
        return at;
    }

    /// <summary>Subscribe, unsubscribe and ping; no names, signatures or limits are checked.</summary>
    private void OnMessage(ReadOnlySpan<byte> json)
    {
        if (json.StartsWith("{\"event\":\"pusher:subscribe\""u8) && ReadChannel(json) is { } channel)
        {
            _subscriptions.Add(channel);
            _channels.Subscribe(channel, this);
        }
        else if (json.StartsWith("{\"event\":\"pusher:unsubscribe\""u8) && ReadChannel(json) is { } left)
        {
            _subscriptions.Remove(left);
            _channels.Unsubscribe(left, this);
        }
        else if (json.StartsWith("{\"event\":\"pusher:ping\""u8))
        {
            Send(BaselineFrames.Pong);
        }
    }

    private static string? ReadChannel(ReadOnlySpan<byte> json)
    {
        var field = "\"channel\":\""u8;
        var at = json.IndexOf(field);
        if (at < 0) return null;
        var rest = json[(at + field.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }
}
