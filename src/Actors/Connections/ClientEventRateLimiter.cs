using Broadcaster.Actors.RateLimiting;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Client events of one connection (<c>limits.client-events-per-second</c>): a <see cref="TokenBucket"/> of that rate.
/// Most connections never send a client event, so the bucket is made on the first one: until then a connection
/// carries only this small object, and a full bucket made late allows exactly what one made at connect would.
/// </summary>
public sealed class ClientEventRateLimiter(double ratePerSecond, TimeProvider time)
{
    private TokenBucket? _bucket;

    /// <summary>Called by the connection's actor for each client event; false means refuse it (4301).</summary>
    public bool TryTake() => (_bucket ??= new TokenBucket(ratePerSecond, time)).TryTake();
}
