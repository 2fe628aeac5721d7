using System.Collections.Concurrent;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// HTTP API calls per app on this node: a token bucket of <c>api-requests-per-second</c> that refills
/// continuously, so one noisy app cannot starve the node; over it the call gets 429.
/// </summary>
public sealed class ApiRateLimiter(BroadcasterOptions options)
{
    private sealed class Bucket(double capacity)
    {
        public readonly Lock Gate = new();
        public double Tokens = capacity;
        public long Last = Environment.TickCount64;
    }

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public bool TryTake(string appId)
    {
        var rate = options.ApiRequestsPerSecond;
        if (rate <= 0) return true;
        var bucket = _buckets.GetOrAdd(appId, _ => new Bucket(rate));
        lock (bucket.Gate)
        {
            var now = Environment.TickCount64;
            bucket.Tokens = Math.Min(rate, bucket.Tokens + (now - bucket.Last) * rate / 1000.0);
            bucket.Last = now;
            if (bucket.Tokens < 1) return false;
            bucket.Tokens -= 1;
            return true;
        }
    }
}
