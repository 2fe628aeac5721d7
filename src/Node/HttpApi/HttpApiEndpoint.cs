using Akka.Actor;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Metrics;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// <c>[prefix]/apps/{app_id}/...</c>: resolves the app, checks the signature over the raw body
/// (PROTOCOL.md 6.2), then hands the request to <see cref="HttpApiHandlers"/>. Every answer is JSON.
/// </summary>
public sealed class HttpApiEndpoint(
    BroadcasterOptions options, AppDirectory apps, HttpApiHandlers handlers, SignedRequest signed, ApiRateLimiter rateLimiter,
    ReadinessGate readiness, NodeMetrics metrics, ILogger<HttpApiEndpoint> logger)
{
    private const string BytesReadKey = "broadcaster.bytes-read";

    public async Task HandleAsync(HttpContext context, string appId, string rest)
    {
        var (status, body, missing) = await AnswerAsync(context, appId, rest);
        context.Response.StatusCode = status;
        if (missing.Count > 0)
        {
            context.Response.Headers[ApiAnswer.MissingNodesHeader] = string.Join(", ", missing);
            logger.LogWarning("HTTP API {Path}: counts leave out nodes that did not answer in time: {Nodes}", context.Request.Path, string.Join(", ", missing));
        }
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body);
        var received = context.Items.TryGetValue(BytesReadKey, out var read) ? (long)read! : context.Request.ContentLength ?? 0;
        if (apps.ById(appId) is { } app) metrics.For(app.Id).HttpCall(received, body.Length);
    }

    private async Task<(int, byte[], IReadOnlyList<string>)> AnswerAsync(HttpContext context, string appId, string rest)
    {
        try
        {
            var app = apps.ById(appId) ?? throw new ApiError(404, $"Unknown app id '{appId}'");
            var route = HttpApiRoute.Match(rest) ?? throw new ApiError(404, $"Unknown API path '/apps/{appId}/{rest}'");
            if (!string.Equals(context.Request.Method, route.Method, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers.Allow = route.Method;
                throw new ApiError(405, $"Method {context.Request.Method} is not allowed here; use {route.Method}");
            }
            var body = await signed.ReadBodyAsync(context.Request);
            context.Items[BytesReadKey] = (long)body.Length;
            var auth = signed.Verify(context, app, body);
            if (!auth.IsOk) throw new ApiError(auth.Status, auth.Error!);
            if (!app.Enabled) throw new ApiError(403, "Application disabled");
            if (!rateLimiter.TryTake(app.Id))
            {
                metrics.For(app.Id).HttpRateLimitHit();
                context.Response.Headers.RetryAfter = "1";
                throw new ApiError(429, $"Too many requests: at most {options.ApiRequestsPerSecond} API calls per second for this app");
            }
            // Until the node has linked with the others, an event it accepted would reach none of their clients.
            if (!await readiness.WaitAsync(options.Cluster.QueryTimeout, context.RequestAborted))
            {
                context.Response.Headers.RetryAfter = "1";
                throw new ApiError(503, "This node is joining the cluster: try again shortly, or another node");
            }
            var answer = await handlers.HandleAsync(app, route, context.Request.Query, body);
            return (200, answer.Body, answer.MissingNodes);
        }
        catch (ApiError e)
        {
            return (e.Status, ApiResponses.Error(e.Message), []);
        }
        catch (AskTimeoutException)
        {
            return (503, ApiResponses.Error("The node did not answer in time; try again"), []);
        }
        catch (Exception e)
        {
            logger.LogError(e, "HTTP API request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            return (500, ApiResponses.Error("Internal server error"), []);
        }
    }
}
