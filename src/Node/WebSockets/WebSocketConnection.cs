using System.IO.Pipelines;
using System.Threading.Tasks.Sources;
using Broadcaster.Actors.Sockets;
using Broadcaster.Node.Metrics;

namespace Broadcaster.Node.WebSockets;

/// <summary>
/// The write side of one WebSocket on the connection's output pipe: a bounded queue of frames and the only loop that
/// writes them. Actors enqueue from any thread and never wait. The writer takes everything queued since it last ran,
/// frames it into the pipe and flushes once, so a burst of events costs one send, not one per event.
/// </summary>
public sealed class WebSocketConnection : IPusherSocket, IValueTaskSource, IThreadPoolWorkItem
{
    /// <summary>How long the client has to answer our close frame (or to start reading again) before it is cut off.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);

    private readonly PipeWriter _output;
    private readonly Action _abort;
    private readonly int _queueLimit;
    private readonly AppTraffic _traffic;
    private readonly Lock _gate = new();
    private readonly Queue<(byte Opcode, ReadOnlyMemory<byte> Payload)> _queue = new();
    /// <summary>
    /// The writer's wake-up: completed by the first frame queued while it waits; no allocation per wait. Completed only
    /// from <see cref="IThreadPoolWorkItem.Execute"/>, so the writer runs there, inline.
    /// </summary>
    private ManualResetValueTaskSourceCore<bool> _wake = new() { RunContinuationsAsynchronously = false };
    private bool _writerWaiting;
    private bool _pending;
    private int _closeCode;
    private string _closeReason = "";
    private bool _closeWritten;
    /// <summary>Set by every message queued, cleared by the keep-alive round: a connection that was sent anything needs no keep-alive.</summary>
    private volatile bool _sentSinceKeepAlive;
    private volatile bool _finished;

    /// <param name="abort">Drops the connection at once, without a close handshake.</param>
    public WebSocketConnection(PipeWriter output, Action abort, string socketId, int queueLimit, AppTraffic traffic)
    {
        _output = output;
        _abort = abort;
        _queueLimit = queueLimit;
        _traffic = traffic;
        SocketId = socketId;
    }

    public string SocketId { get; }

    /// <summary>Which second of the keep-alive interval this connection's keep-alive goes out in.</summary>
    public int KeepAliveSlot { get; } = Random.Shared.Next(int.MaxValue);

    /// <summary>The close code this side asked for, or 0.</summary>
    public int CloseCode
    {
        get { lock (_gate) return _closeCode; }
    }

    public bool TrySend(ReadOnlyMemory<byte> frame)
    {
        bool wake, queued;
        lock (_gate)
        {
            if (_closeCode != 0) return false;
            queued = _queue.Count < _queueLimit;
            if (queued)
            {
                _queue.Enqueue((FrameWriter.Text, frame));
                _sentSinceKeepAlive = true;
            }
            else SlowConsumer();
            wake = Wake();
        }
        if (wake) ScheduleWriter();
        if (!queued) _ = AbortLaterAsync();
        return queued;
    }

    /// <summary>Answers a client's ping; control frames do not count against the queue bound.</summary>
    public void SendPong(ReadOnlyMemory<byte> payload) => Enqueue(FrameWriter.Pong, payload);

    /// <summary>
    /// An unsolicited pong (RFC 6455 5.5.3), which keeps idle connections alive through proxies and needs no answer,
    /// unless a message was queued since the last round: that went over the wire as well.
    /// </summary>
    public void KeepAliveIfQuiet()
    {
        if (_sentSinceKeepAlive) _sentSinceKeepAlive = false;
        else Enqueue(FrameWriter.Pong, ReadOnlyMemory<byte>.Empty);
    }

    /// <summary>Sends what is already queued, then the close frame; the client then has <see cref="CloseTimeout"/> to answer.</summary>
    public void Close(int code, string reason)
    {
        bool wake;
        lock (_gate)
        {
            if (_closeCode != 0) return;
            _closeCode = code;
            _closeReason = reason;
            wake = Wake();
        }
        if (wake) ScheduleWriter();
    }

    /// <summary>Writes queued frames until the close frame is out or the pipe is gone.</summary>
    public async Task RunWriterAsync()
    {
        try
        {
            while (true)
            {
                await WaitForWorkAsync();
                bool closing;
                lock (_gate)
                {
                    while (_queue.TryDequeue(out var frame))
                    {
                        FrameWriter.Write(_output, frame.Opcode, frame.Payload.Span);
                        if (frame.Opcode == FrameWriter.Text) _traffic.MessageSent(frame.Payload.Length);
                    }
                    if (_queue.Count == 0 && _queue.EnsureCapacity(0) > 64) _queue.TrimExcess();
                    closing = _closeCode != 0 && !_closeWritten;
                    if (closing)
                    {
                        FrameWriter.Write(_output, FrameWriter.Close, FrameWriter.ClosePayload(_closeCode, _closeReason));
                        _closeWritten = true;
                    }
                }
                var flushed = await _output.FlushAsync();
                if (closing)
                {
                    _ = AbortLaterAsync();
                    return;
                }
                if (flushed.IsCompleted || flushed.IsCanceled) return;
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            Abort();
        }
    }

    /// <summary>The connection is over (both loops ended): nothing may touch the transport any more.</summary>
    public void Finish() => _finished = true;

    /// <summary>Drops the connection now (a slow consumer that did not answer, an I/O error).</summary>
    public void Abort()
    {
        if (_finished) return;
        try
        {
            _abort();
        }
        catch (ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private void Enqueue(byte opcode, ReadOnlyMemory<byte> payload)
    {
        bool wake;
        lock (_gate)
        {
            if (_closeCode != 0) return;
            _queue.Enqueue((opcode, payload));
            wake = Wake();
        }
        if (wake) ScheduleWriter();
    }

    /// <summary>
    /// Under the lock. The client stopped reading: drop what is queued and close with 4100 rather than grow memory or
    /// slow its channels; if it does not read again within <see cref="CloseTimeout"/>, the connection is dropped.
    /// </summary>
    private void SlowConsumer()
    {
        _queue.Clear();
        _closeCode = 4100;
        _closeReason = "Slow consumer: the client did not read its messages in time";
        _traffic.SlowConsumerClosed();
    }

    /// <summary>Under the lock: whether the caller must complete the writer's wait (outside the lock).</summary>
    private bool Wake()
    {
        if (!_writerWaiting)
        {
            _pending = true;
            return false;
        }
        _writerWaiting = false;
        return true;
    }

    private async Task AbortLaterAsync()
    {
        // Real time, whatever clock the node runs on: the transport's own guard against peers that never answer.
        await Task.Delay(CloseTimeout, TimeProvider.System);
        Abort();
    }

    /// <summary>Completes at once when something was queued since the last wait; otherwise when the next frame is.</summary>
    private ValueTask WaitForWorkAsync()
    {
        lock (_gate)
        {
            if (_pending)
            {
                _pending = false;
                return ValueTask.CompletedTask;
            }
            _wake.Reset();
            _writerWaiting = true;
            return new ValueTask(this, _wake.Version);
        }
    }

    /// <summary>
    /// Wakes the writer through the thread pool's global queue, first in first out. A fan-out wakes thousands of writers
    /// from one thread; queued there as continuations they went to that thread's local queue, which its owner runs
    /// newest first, so on a saturated machine the first-woken connections waited for all the others.
    /// </summary>
    private void ScheduleWriter() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => _wake.SetResult(true);

    void IValueTaskSource.GetResult(short token) => _wake.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wake.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wake.OnCompleted(continuation, state, token, flags);
}
