namespace Broadcaster.Node.Configuration;

/// <summary><c>broadcaster.webhooks</c>: how the cluster batches, delays and retries webhooks (PROTOCOL.md 7).</summary>
public sealed record WebhookOptions
{
    /// <summary>Webhooks for one endpoint that arise within this window go out in one request.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromMilliseconds(50);
    /// <summary>At most this many events in one request.</summary>
    public int BatchSize { get; init; } = 50;
    /// <summary>
    /// <c>channel_vacated</c> and <c>member_removed</c> wait this long, and are not sent at all if the channel is
    /// occupied again (or the member back) by then: a page reload sends neither.
    /// </summary>
    public TimeSpan DelayVacated { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>A request that fails (error, timeout, status other than 2xx) is retried with back-off for this long.</summary>
    public TimeSpan RetryFor { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>First wait before a retry; each later one doubles, up to a minute.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>One request's timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Webhooks waiting for one endpoint; beyond it new ones are dropped and counted.</summary>
    public int QueueSize { get; init; } = 10_000;
}
