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
        _lifetime?.StopApplication();
    }
}
