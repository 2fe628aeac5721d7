using System.Threading.RateLimiting;

namespace Broadcaster.Actors.RateLimiting;

/// <summary>
/// The token bucket behind both limits (HTTP API calls per app, client events per connection): <c>rate</c> takes
/// per second on <see cref="TimeProvider"/> time, bursts of up to <c>rate</c> (at least one, so a rate below one per
/// second still lets a take through now and then); a rate of zero or less is no limit. Safe to share between threads.
/// </summary>
/// <remarks>
/// System.Threading.RateLimiting's replenishing limiters read the real clock whatever we do (no TimeProvider yet,
/// dotnet/runtime#106447), and manual mode does not help. Measured on 10.0.15 with <c>AutoReplenishment = false</c>:
/// <see cref="TokenBucketRateLimiter.TryReplenish"/> does not add <c>TokensPerPeriod</c> per call; it adds
/// <c>TokensPerPeriod</c> times the Stopwatch time since its previous replenishment over <c>ReplenishmentPeriod</c>
/// (fractions kept, capped at <c>TokenLimit</c>), so calls made as fake time advances add nothing. The fixed and sliding
/// window limiters ignore a manual call until a real window has passed. So the tokens are the permits of a
/// <see cref="ConcurrencyLimiter"/>, which moves only when told: a take holds a lease, and the refill hands leases back,
/// one per <c>1/rate</c> seconds of TimeProvider time. The refill runs on the next take, so the bucket needs no timer.
/// </remarks>
public sealed class TokenBucket
{
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly ConcurrencyLimiter? _tokens;
    /// <summary>Leases of the tokens taken, oldest first. Also the lock: one object less per bucket.</summary>
    private readonly Queue<RateLimitLease> _taken = new();
    /// <summary>When the bucket last stopped being full: tokens accrue from here.</summary>
    private long _accruingSince;
    /// <summary>Tokens handed back since <see cref="_accruingSince"/>; counting them keeps periods of 1/rate exact.</summary>
    private long _handedBack;

    public TokenBucket(double ratePerSecond, TimeProvider time)
    {
        _time = time;
        _rate = ratePerSecond;
        if (ratePerSecond > 0)
            _tokens = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = Burst(ratePerSecond), QueueLimit = 0 });
    }

    /// <summary>How many takes a full bucket allows at once: <c>rate</c> whole tokens, at least one.</summary>
    private static int Burst(double ratePerSecond) => (int)Math.Clamp(Math.Floor(ratePerSecond), 1, int.MaxValue);

    /// <summary>Takes a token if one is there; false when the bucket is empty.</summary>
    public bool TryTake()
    {
        if (_tokens is null) return true;
        lock (_taken)
        {
            var now = _time.GetTimestamp();
            HandBackAccrued(now);
            var lease = _tokens.AttemptAcquire();
            if (!lease.IsAcquired) return false;
            if (_taken.Count == 0)
            {
                _accruingSince = now;
                _handedBack = 0;
            }
            _taken.Enqueue(lease);
            return true;
        }
    }

    /// <summary>Puts back the tokens accrued since the bucket stopped being full; past a full bucket they are lost.</summary>
    private void HandBackAccrued(long now)
    {
        if (_taken.Count == 0) return;
        var accrued = (now - _accruingSince) * _rate / _time.TimestampFrequency;
        while (_taken.Count > 0 && _handedBack + 1 <= accrued)
        {
            _taken.Dequeue().Dispose();
            _handedBack++;
        }
    }
}
