namespace Broadcaster.Node.Admin;

/// <summary>Turns this node's slot in a rolling restart into a graceful stop of the host, remembered for the exit code.</summary>
public sealed class RestartSignal
{
    private IHostApplicationLifetime? _lifetime;
    private ILogger? _logger;
    private volatile bool _requested;

    public bool Requested => _requested;

    public void Attach(IHostApplicationLifetime lifetime, ILogger logger)
    {
        _lifetime = lifetime;
        _logger = logger;
    }

    public void Request(string reason)
    {
        _requested = true;
        _logger?.LogWarning("Stopping to be restarted ({Reason}): clients get 4200 and reconnect to other nodes", reason);
        if (_lifetime is not { } lifetime) return;
        // StopApplication runs the drain on the calling thread and holds it for seconds. The caller is an actor (the
        // restart scheduler) or the actor system's termination: on a thread of their own neither a dispatcher thread
        // nor a thread-pool thread is held, so the node keeps answering /up and its clients while it drains.
        new Thread(lifetime.StopApplication) { IsBackground = true, Name = "broadcaster-restart" }.Start();
    }
}
