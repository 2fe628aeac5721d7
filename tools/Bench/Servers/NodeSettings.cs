using System.Globalization;
using Broadcaster.Bench.LoadGenerator;

namespace Broadcaster.Bench.Servers;

/// <summary>
/// What a scenario changes in our server's configuration, turned into the HOCON file it is started with. Everything
/// else is the shipped default, but the HTTP API rate limit, which is off (1000 calls/s per app would otherwise be
/// what the scenarios with many triggers measure).
/// </summary>
public sealed record NodeSettings
{
    public int MaxConnections { get; init; } = 50_000;
    public int MaxPresenceMembers { get; init; } = 100;

    /// <summary>Null: the default (120 s).</summary>
    public TimeSpan? ActivityTimeout { get; init; }

    /// <summary>The one app the node serves.</summary>
    public BenchApp App { get; init; } = BenchApp.Default;

    /// <summary><c>client-*</c> events (off by default, as shipped).</summary>
    public bool EnableClientMessages { get; init; }

    /// <summary>The dashboard's password; null: the dashboard is off, as shipped.</summary>
    public string? DashboardPassword { get; init; }

    /// <param name="statisticsDatabase">Where the node keeps its statistics (on, as by default, but out of the working directory).</param>
    public string ToHocon(string statisticsDatabase)
    {
        var app = App;
        var clientMessages = EnableClientMessages ? ", enable-client-messages = true" : "";
        var activity = ActivityTimeout is { } t ? $"\n    activity-timeout = {(int)t.TotalSeconds}s" : "";
        var dashboard = DashboardPassword is { } password ? $"\n  dashboard {{ enabled = true, password = \"{password}\" }}" : "";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            broadcaster {
              server {
                max-connections = {{MaxConnections}}{{activity}}
              }
              limits {
                api-requests-per-second = 0
                max-presence-members = {{MaxPresenceMembers}}
              }
              logging {
                level = warning
              }
              statistics {
                database = "{{statisticsDatabase}}"
              }{{dashboard}}
              apps = [{ id = "{{app.Id}}", key = "{{app.Key}}", secret = "{{app.Secret}}", name = "bench"{{clientMessages}} }]
            }
            """);
    }
}
