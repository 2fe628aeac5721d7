using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.WebUtilities;
using Akka.Actor;
using Broadcaster.Actors.Cluster;
using Broadcaster.Node.Admin;
using Broadcaster.Node.Bootstrap;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.HttpApi;
using Broadcaster.Node.Metrics;
using Broadcaster.Node.WebSockets;

namespace Broadcaster.Node.Hosting;

/// <summary>The node's routes: WebSocket endpoint, HTTP API, health and metrics, all under the path prefix.</summary>
public static class NodeEndpoints
{
    public static void Map(WebApplication web, BroadcasterOptions options)
    {
        // A request that fails where nothing expected it still gets a JSON answer (the failure is logged by the handler).
        web.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async context =>
            {
                context.Response.StatusCode = 500;
                await context.Response.WriteAsJsonAsync(new { error = "Internal server error" });
            },
        });
        // An error answered without a body (a query value that does not bind, a method a route does not take) still
        // gets the JSON error body every other answer has.
        web.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            var reason = ReasonPhrases.GetReasonPhrase(response.StatusCode);
            await response.WriteAsJsonAsync(new { error = reason.Length > 0 ? reason : $"HTTP {response.StatusCode}" });
        });
        if (options.Cluster.Discovery.UsesBootstrap)
        {
            // The management port answers the bootstrap's probes and nothing else; no other port answers them.
            var managementPort = options.Cluster.Discovery.ManagementPort;
            web.Use(async (context, next) =>
            {
                if (context.Connection.LocalPort != managementPort)
                {
                    await next(context);
                    return;
                }
                if (HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Equals(ManagementEndpoint.SeedNodesPath, StringComparison.Ordinal))
                {
                    await ManagementEndpoint.SeedNodesAsync(context, context.RequestServices.GetRequiredService<NodeActors>().System);
                    return;
                }
                context.Response.StatusCode = 404;
                await context.Response.WriteAsJsonAsync(new { error = $"Not found: {context.Request.Path}" });
            });
        }
        if (options.MetricsEnabled && options.MetricsPort > 0)
        {
            // The metrics port serves /metrics and nothing else; the main port then does not serve it.
            web.Use(async (context, next) =>
            {
                var onMetricsPort = context.Connection.LocalPort == options.MetricsPort;
                var isMetrics = context.Request.Path.Equals("/metrics", StringComparison.Ordinal);
                if (onMetricsPort != isMetrics)
                {
                    context.Response.StatusCode = 404;
                    await context.Response.WriteAsJsonAsync(new { error = $"Not found: {context.Request.Path}" });
                    return;
                }
                await next(context);
            });
        }
        // Behind nginx or Caddy the client's address and scheme arrive in X-Forwarded-*; trusted from loopback proxies only.
        web.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
        var root = options.PathPrefix.Length > 0 ? (IEndpointRouteBuilder)web.MapGroup(options.PathPrefix) : web;
        root.Map("/app/{key}", (HttpContext c, string key, PusherWebSocketEndpoint e) => e.HandleAsync(c, key));
        root.Map("/apps/{appId}/{**rest}", (HttpContext c, string appId, string? rest, HttpApiEndpoint e) => e.HandleAsync(c, appId, rest ?? ""));
        root.MapGet("/up", () => Results.Json(new { status = "up" }));
        // Health probes written for soketi call the root ("OK" there): 200 whether or not a path prefix is set.
        web.MapGet("/", () => Results.Json(new { status = "ok" }));
        if (options.PathPrefix.Length > 0) root.MapGet("/", () => Results.Json(new { status = "ok" }));
        root.MapGet("/ready", async (NodeActors actors, ConnectionTracker tracker) =>
        {
            var status = await actors.Bus.Ask<BusStatus>(GetBusStatus.Instance, options.Cluster.QueryTimeout);
            var ready = status.Ready && !tracker.ShuttingDown;
            return Results.Json(new { ready, node = status.NodeId, peers = status.Peers, waiting = status.Waiting, shuttingDown = tracker.ShuttingDown },
                statusCode: ready ? 200 : 503);
        });
        if (options.Dashboard.Enabled) web.Services.GetRequiredService<Dashboard.DashboardEndpoint>().Map(root);
        root.MapPost("/broadcaster/restart", (HttpContext c, AdminEndpoint e) => e.RestartAsync(c));
        root.MapGet("/broadcaster/status", (HttpContext c, AdminEndpoint e) => e.StatusAsync(c));
        if (options.MetricsEnabled)
        {
            var metrics = (IEndpointRouteBuilder)(options.MetricsPort > 0 ? web : root);
            web.Services.GetRequiredService<MetricsEndpoint>().Map(metrics);
        }
        // Every path, those that look like a file (favicon.ico) too, which the default fallback pattern leaves out.
        web.MapFallback("{*path}", (HttpContext c) => Results.Json(new { error = $"Not found: {c.Request.Path}" }, statusCode: 404));
    }

    public static IPAddress ResolveHost(string host, string setting)
    {
        if (host is "0.0.0.0" or "*" or "") return IPAddress.Any;
        if (host == "localhost") return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var address)) return address;
        try
        {
            return Dns.GetHostAddresses(host).First();
        }
        catch (Exception e)
        {
            throw new SettingsException($"{setting}: cannot resolve '{host}': {e.Message}");
        }
    }
}
