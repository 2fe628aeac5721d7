using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// Who may see the dashboard: whoever knows the password, as a bearer token or through a sign-in that sets a session
/// cookie. The session is a signed expiry, valid on every node with the same password (a load balancer may send the
/// next request anywhere) and void when the password changes. Comparisons take constant time, and failed sign-ins are
/// limited per client address.
/// </summary>
public sealed class DashboardAuth : IDisposable
{
    public const string CookieName = "broadcaster_dashboard";

    private readonly byte[] _passwordHash;
    private readonly byte[] _sessionKey;
    private readonly DashboardOptions _options;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string> _failures;

    public DashboardAuth(DashboardOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _passwordHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Password));
        _sessionKey = SHA256.HashData(Encoding.UTF8.GetBytes("broadcaster-dashboard-session\n" + options.Password));
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.FailedSigninsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool PasswordMatches(string? given) =>
        given is not null && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _passwordHash);

    /// <summary>False when this address has used up its failed sign-ins for now.</summary>
    public bool MayTry(string address) => _failures.GetStatistics(address) is not { CurrentAvailablePermits: <= 0 };

    public void Failed(string address)
    {
        using var _ = _failures.AttemptAcquire(address);
    }

    /// <summary>Whether the request is signed in; a wrong bearer token counts as a failed sign-in of its address.</summary>
    public bool IsSignedIn(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (PasswordMatches(authorization[7..].Trim())) return true;
            Failed(AddressOf(context));
            return false;
        }
        return context.Request.Cookies.TryGetValue(CookieName, out var session) && SessionValid(session);
    }

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The cookie value of a new session: its expiry and the signature over it.</summary>
    public string NewSession(out DateTimeOffset expires)
    {
        expires = _time.GetUtcNow() + _options.SessionLifetime;
        var expiry = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{expiry}.{Sign(expiry)}";
    }

    private bool SessionValid(string session)
    {
        var dot = session.IndexOf('.');
        if (dot <= 0 || !long.TryParse(session.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)) return false;
        if (expiry < _time.GetUtcNow().ToUnixTimeSeconds()) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(session[..dot]));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(session[(dot + 1)..]));
    }

    private string Sign(string expiry) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_sessionKey, Encoding.ASCII.GetBytes(expiry)));

    public void Dispose() => _failures.Dispose();
}
