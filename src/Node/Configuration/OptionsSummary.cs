using System.Text.Json;

namespace Broadcaster.Node.Configuration;

/// <summary>The resolved configuration as JSON for <c>check</c>; app secrets are never printed.</summary>
public static class OptionsSummary
{
    public static string Describe(BroadcasterOptions o) => JsonSerializer.Serialize(new
    {
        server = new { host = o.Host, port = o.Port, pathPrefix = o.PathPrefix, activityTimeout = o.ActivityTimeout.TotalSeconds, pongTimeout = o.PongTimeout.TotalSeconds, keepAliveInterval = o.KeepAliveInterval.TotalSeconds },
        cluster = new
        {
            hostname = o.Cluster.Hostname, publicHostname = o.Cluster.PublicHostname, port = o.Cluster.Port, seeds = o.Cluster.Seeds,
            failureTimeout = o.Cluster.FailureTimeout.TotalSeconds, downAfter = o.Cluster.DownAfter.TotalSeconds,
            discovery = new
            {
                method = DiscoveryLoader.Name(o.Cluster.Discovery.Method), serviceName = o.Cluster.Discovery.ServiceName,
                endpoints = o.Cluster.Discovery.Endpoints, requiredContactPoints = o.Cluster.Discovery.RequiredContactPoints,
                managementHostname = o.Cluster.Discovery.ManagementHostname, managementPort = o.Cluster.Discovery.ManagementPort,
            },
        },
        apps = o.Apps.Select(a => new
        {
            id = a.Id, key = a.Key, secret = "(hidden)", name = a.Name, enabled = a.Enabled, maxConnections = a.MaxConnections,
            enableClientMessages = a.EnableClientMessages, enableUserAuthentication = a.EnableUserAuthentication, allowedOrigins = a.AllowedOrigins,
        }),
        defaultApp = o.UsesDefaultApp,
        limits = o.Limits,
    }, new JsonSerializerOptions { WriteIndented = true });
}
