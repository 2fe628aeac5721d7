using System.Diagnostics;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Bench;

/// <summary>N subscribers of the benchmark channel on one node, each with its own receive loop.</summary>
public sealed class ClientGroup : IFrameSink, IAsyncDisposable
{
    private const int ConnectParallelism = 50;
    private readonly BenchClient?[] _clients;
    private volatile RunState? _run;
    private volatile string? _lost;
    private volatile bool _disposing;

    private ClientGroup(int count) => _clients = new BenchClient?[count];

    public int Count => _clients.Length;

    /// <summary>How long connecting and subscribing every client took.</summary>
    public TimeSpan ConnectTime { get; private set; }

    public static async Task<ClientGroup> ConnectAsync(int port, PusherApp app, int count, CancellationToken cancel)
    {
        var group = new ClientGroup(count);
        var uri = new Uri($"ws://127.0.0.1:{port}/app/{app.Key}?protocol=7&client=js&version=8.4.0&flash=false");
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var gate = new SemaphoreSlim(ConnectParallelism);
            var tasks = Enumerable.Range(0, count).Select(async i =>
            {
                await gate.WaitAsync(cancel);
                try
                {
                    group._clients[i] = await BenchClient.ConnectAsync(uri, EventData.Channel, i, group, cancel);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            await Task.WhenAll(tasks);
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
        group.ConnectTime = Stopwatch.GetElapsedTime(started);
        return group;
    }

    /// <summary>Starts counting the events of run <paramref name="runId"/>; frames of other runs are ignored.</summary>
    public RunState BeginRun(int runId, int events, bool recordLatency)
    {
        if (_lost is { } lost) throw new InvalidOperationException($"a client was lost before run {runId}: {lost}");
        var run = new RunState(runId, _clients.Length, events, recordLatency);
        _run = run;
        return run;
    }

    public void OnFrame(int client, ReadOnlySpan<byte> frame, long receivedAt)
    {
        if (!EventData.TryParse(frame, out var runId, out var seq, out var sentAt)) return;
        var run = _run;
        if (run is not null && run.RunId == runId) run.Record(client, seq, sentAt, receivedAt);
    }

    public void OnLost(int client, string reason)
    {
        if (_disposing) return;
        var message = $"client {client}: {reason}";
        _lost ??= message;
        _run?.Fail(new InvalidOperationException(message));
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        await Task.WhenAll(_clients.Where(c => c is not null).Select(c => c!.DisposeAsync().AsTask()));
    }
}
