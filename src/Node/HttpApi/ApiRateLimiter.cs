using System.Collections.Concurrent;
using Broadcaster.Actors.RateLimiting;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// HTTP API calls per app on this node: a <see cref="TokenBucket"/> of <c>api-requests-per-second</c> per app, so one
/// noisy app cannot starve the node; over it the call gets 429.
/// </summary>
public sealed class ApiRateLimiter(BroadcasterOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string appId) =>
        _buckets.GetOrAdd(appId, _ => new TokenBucket(options.ApiRequestsPerSecond, time)).TryTake();
}
