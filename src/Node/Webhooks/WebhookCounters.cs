using System.Collections.Concurrent;

namespace Broadcaster.Node.Webhooks;

/// <summary>What became of this node's webhooks, per app; read by <c>/metrics</c>.</summary>
public sealed class WebhookCounters
{
    private readonly ConcurrentDictionary<(string App, string Outcome), long[]> _counts = new();

    /// <summary>Events delivered (a 2xx answer to the request that carried them).</summary>
    public void Delivered(string appId, int events) => Add(appId, "delivered", events);

    /// <summary>Events given up on: every retry failed for <c>retry-for</c>, or the endpoint answered a 4xx.</summary>
    public void Failed(string appId, int events) => Add(appId, "failed", events);

    /// <summary>Events dropped because the endpoint's queue was full.</summary>
    public void Dropped(string appId) => Add(appId, "dropped", 1);

    /// <summary>Requests sent again after a failure.</summary>
    public void Retried(string appId) => Add(appId, "retried", 1);

    public long Read(string appId, string outcome) => _counts.TryGetValue((appId, outcome), out var n) ? Interlocked.Read(ref n[0]) : 0;

    public static IReadOnlyList<string> Outcomes { get; } = ["delivered", "failed", "dropped", "retried"];

    private void Add(string appId, string outcome, long n) => Interlocked.Add(ref _counts.GetOrAdd((appId, outcome), _ => new long[1])[0], n);
}
