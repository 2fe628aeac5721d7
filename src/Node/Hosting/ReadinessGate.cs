using Akka.Actor;
using Broadcaster.Actors.Cluster;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// Holds a node's clients and HTTP API until the node has been ready once since it started (<see cref="NodeBus"/>).
/// Before that its bus has not linked with the other nodes: an event it accepted would reach none of their clients,
/// and a client it accepted would miss their events, while the node answered 200 and connection_established as if
/// all were well. A request that arrives earlier waits for the gate (at most <c>cluster.query-timeout</c>) and is then
/// refused (503, or 4200 for a socket), so it goes to another node even behind a load balancer that does not probe
/// <c>/ready</c> (nginx's open-source upstreams).
/// </summary>
/// <remarks>
/// Once open, the gate stays open: a ready node is not ready for a moment whenever another node joins (until the two
/// have linked), and it must go on serving meanwhile. Waits use the real clock, like the drain at shutdown, so a test's
/// fake clock cannot hold a request forever.
/// </remarks>
public sealed class ReadinessGate
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _open.Task.IsCompleted;

    public void Open() => _open.TrySetResult();

    /// <summary>True once the gate is open, false when it is still closed after <paramref name="timeout"/> or when cancelled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancel)
    {
        if (IsOpen) return true;
        try
        {
            await _open.Task.WaitAsync(timeout, TimeProvider.System, cancel);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Asks the bus until it reports ready, then opens the gate; ends then, or when the node stops.</summary>
    public async Task WatchAsync(IActorRef bus, TimeSpan askTimeout, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if ((await bus.Ask<BusStatus>(GetBusStatus.Instance, askTimeout, stopping)).Ready)
                {
                    Open();
                    return;
                }
            }
            catch (AskTimeoutException)
            {
                // A busy or starting node: ask again.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await Task.Delay(PollInterval, TimeProvider.System, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
