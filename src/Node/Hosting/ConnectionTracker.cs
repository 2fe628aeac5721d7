using System.Collections.Concurrent;
using Broadcaster.Actors.Apps;
using Broadcaster.Node.WebSockets;
using Broadcaster.Protocol.Frames;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// Live sockets of this node: shutdown tells every client to reconnect elsewhere (4200), and one timer for all of
/// them sends the WebSocket keep-alives.
/// </summary>
/// <remarks>
/// A connection that was sent nothing for a whole <c>keepAliveInterval</c> gets an unsolicited pong, which keeps idle
/// connections alive through proxies such as nginx (proxy_read_timeout 60 s); one that was sent anything needs none,
/// so a busy connection costs nothing here and the longest silence towards a client stays under two intervals. The
/// connections are spread over the interval, one second's share per tick, so keep-alives never leave in one burst;
/// each share is a set of its own, so a tick touches only the connections whose turn it is (walking all of them every
/// second was a measurable part of what 10,000 idle connections cost).
/// </remarks>
public sealed class ConnectionTracker(TimeProvider time, TimeSpan keepAliveInterval) : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>The live connections, by the tick of the interval their keep-alive is due in.</summary>
    private readonly ConcurrentDictionary<WebSocketConnection, byte>[] _shares =
        Enumerable.Range(0, (int)Math.Clamp(keepAliveInterval / Tick, 1, 3600)).Select(_ => new ConcurrentDictionary<WebSocketConnection, byte>()).ToArray();
    private int _count;
    /// <summary>Completed by the last <see cref="Remove"/> once shutdown began, so closing waits without polling.</summary>
    private readonly TaskCompletionSource _allGone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _shuttingDown;
    private readonly SlotCounter _reserved = new();
    private ITimer? _keepAlive;
    private long _ticks;

    public bool ShuttingDown => _shuttingDown;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Takes one of the node's <paramref name="max"/> connection slots, atomically; false when all are taken.</summary>
    public bool TryReserve(int max) => _reserved.TryTake(max);

    public void ReleaseReservation() => _reserved.Release();

    public void Add(WebSocketConnection connection)
    {
        if (ShareOf(connection).TryAdd(connection, 0)) Interlocked.Increment(ref _count);
        if (Volatile.Read(ref _keepAlive) is null) StartKeepAlives();
    }

    public void Remove(WebSocketConnection connection)
    {
        var left = ShareOf(connection).TryRemove(connection, out _) ? Interlocked.Decrement(ref _count) : Count;
        // With the fence in CloseAllAsync: it sees this removal, or this sees _shuttingDown, never neither.
        Interlocked.MemoryBarrier();
        if (_shuttingDown && left == 0) _allGone.TrySetResult();
    }

    /// <summary>Refuses new connections and closes live ones with 4200; returns when they are gone or the time is up.</summary>
    public async Task CloseAllAsync(TimeSpan within)
    {
        _shuttingDown = true;
        Interlocked.MemoryBarrier();
        var error = ServerFrames.Error(4200, "Server is closing. Please reconnect shortly.");
        foreach (var share in _shares)
        {
            foreach (var connection in share.Keys)
            {
                connection.TrySend(error);
                connection.Close(4200, "Server is closing. Please reconnect shortly.");
            }
        }
        if (Count == 0) return;
        try
        {
            await _allGone.Task.WaitAsync(within, time);
        }
        catch (TimeoutException)
        {
            // The time is up: the sockets still open go down with the server.
        }
    }

    public void Dispose() => _keepAlive?.Dispose();

    /// <summary>Two first connections may race here: one timer wins and the other is disposed, so rounds never run twice.</summary>
    private void StartKeepAlives()
    {
        var timer = time.CreateTimer(_ => SendKeepAlives(), null, Tick, Tick);
        if (Interlocked.CompareExchange(ref _keepAlive, timer, null) is not null) timer.Dispose();
    }

    private void SendKeepAlives()
    {
        var share = _shares[Interlocked.Increment(ref _ticks) % _shares.Length];
        foreach (var (connection, _) in share) connection.KeepAliveIfQuiet();
    }

    private ConcurrentDictionary<WebSocketConnection, byte> ShareOf(WebSocketConnection connection) =>
        _shares[connection.KeepAliveSlot % _shares.Length];
}
