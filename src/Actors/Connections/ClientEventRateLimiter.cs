namespace Broadcaster.Actors.Connections;

/// <summary>
/// Token bucket that refills continuously: <c>rate</c> client events per second, bursts up to <c>rate</c>
/// (at least one, so a rate below one per second still lets an event through now and then).
/// </summary>
public sealed class ClientEventRateLimiter
{
    private readonly double _rate;
    private readonly double _capacity;
    private readonly Func<long> _clockMs;
    private double _tokens;
    private long _last;

    public ClientEventRateLimiter(double ratePerSecond, Func<long> clockMs)
    {
        _rate = ratePerSecond;
        _capacity = Math.Max(1.0, ratePerSecond);
        _clockMs = clockMs;
        _tokens = _capacity;
        _last = clockMs();
    }

    public bool TryTake()
    {
        if (_rate <= 0) return true;
        var now = _clockMs();
        _tokens = Math.Min(_capacity, _tokens + (now - _last) * _rate / 1000.0);
        _last = now;
        if (_tokens < 1) return false;
        _tokens -= 1;
        return true;
    }
}
