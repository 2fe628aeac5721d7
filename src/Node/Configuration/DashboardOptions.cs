namespace Broadcaster.Node.Configuration;

/// <summary><c>broadcaster.dashboard</c>: the page at <c>[prefix]/dashboard</c>, off unless enabled.</summary>
public sealed record DashboardOptions
{
    public bool Enabled { get; init; }

    /// <summary>Signs people in (also as <c>Authorization: Bearer</c>); required when enabled. Env BROADCASTER_DASHBOARD_PASSWORD.</summary>
    public string Password { get; init; } = "";

    /// <summary>Failed sign-ins allowed per client address per minute; more are answered 429.</summary>
    public int FailedSigninsPerMinute { get; init; } = 5;

    /// <summary>How long a sign-in lasts.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);
}
