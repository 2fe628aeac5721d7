using System.Globalization;
using System.Text;
using System.Text.Json;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.HttpApi;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.Dashboard;

/// <summary>
/// <c>[prefix]/dashboard</c>: the page and its files (no data in them, served to anyone), sign-in and sign-out, and
/// under <c>api/</c>, for signed-in users only, the overview, the live stream (server-sent events), the statistics
/// and the test event. Every answer of the API is JSON, errors included.
/// </summary>
public sealed class DashboardEndpoint(
    BroadcasterOptions options, DashboardAuth auth, DashboardOverview overview, DashboardStatistics statistics, LiveLog log,
    AppDirectory apps, HttpApiHandlers handlers, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<DashboardEndpoint> logger)
{
    private static readonly TimeSpan OverviewEvery = TimeSpan.FromSeconds(1);
    private const string NoPassword = "Send the password as JSON {\"password\": \"...\"} or as a form field";

    public void Map(IEndpointRouteBuilder root)
    {
        var dashboard = root.MapGroup("/dashboard");
        dashboard.AddEndpointFilter(async (context, next) =>
        {
            SecurityHeaders(context.HttpContext.Response);
            return await next(context);
        });
        // One route serves both /dashboard and /dashboard/.
        dashboard.MapGet("/", () => Results.Bytes(DashboardAssets.Page(options.PathPrefix), "text/html; charset=utf-8"));
        dashboard.MapGet("/assets/{**file}", (string file) => DashboardAssets.Asset(file) is { } bytes
            ? Results.Bytes(bytes, DashboardAssets.ContentType(file))
            : Error(404, $"Not found: {file}"));
        dashboard.MapPost("/login", (Delegate)SignInAsync);
        dashboard.MapPost("/logout", (HttpContext c) =>
        {
            c.Response.Cookies.Delete(DashboardAuth.CookieName, Cookie(c, DateTimeOffset.UnixEpoch));
            return Results.NoContent();
        });

        var api = dashboard.MapGroup("/api");
        api.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            // A bearer token is a password guess like a sign-in: it is limited the same way.
            if (http.Request.Headers.Authorization.Count > 0 && !auth.MayTry(DashboardAuth.AddressOf(http))) return TooManyFailures(http);
            return auth.IsSignedIn(http) ? await next(context) : Error(401, "Sign in required");
        });
        api.MapGet("/overview", async () => Results.Json(await overview.GetAsync()));
        api.MapGet("/live", LiveAsync);
        api.MapGet("/statistics", async (string? app, string? hours) =>
        {
            if (app is null || apps.ById(app) is null) return Error(404, $"Unknown app id '{app}'");
            var range = 24;
            if (hours is not null && !int.TryParse(hours, NumberStyles.None, CultureInfo.InvariantCulture, out range))
                return Error(400, $"hours must be a whole number of hours from 1 to {DashboardStatistics.MaxHours}");
            return Results.Json(await statistics.ReadAsync(app, Math.Clamp(range, 1, DashboardStatistics.MaxHours)));
        });
        api.MapPost("/event", (Delegate)TestEventAsync);
        api.Map("/{**rest}", (HttpContext c, string? rest) => rest switch
        {
            "overview" or "live" or "statistics" => MethodNotAllowed(c, "GET"),
            "event" => MethodNotAllowed(c, "POST"),
            _ => Error(404, $"Not found: dashboard/api/{rest}"),
        });
    }

    private async Task<IResult> SignInAsync(HttpContext context)
    {
        var address = DashboardAuth.AddressOf(context);
        if (!auth.MayTry(address)) return TooManyFailures(context);
        string? password = null;
        try
        {
            if (context.Request.HasFormContentType) password = (await context.Request.ReadFormAsync()).TryGetValue("password", out var p) ? p.ToString() : null;
            else if (await JsonDocument.ParseAsync(context.Request.Body) is { RootElement.ValueKind: JsonValueKind.Object } json &&
                     json.RootElement.TryGetProperty("password", out var value) && value.ValueKind == JsonValueKind.String)
                password = value.GetString();
        }
        // A form that cannot be read (a multipart body without its parts) ends the stream early: an IOException.
        catch (Exception e) when (e is JsonException or InvalidDataException or BadHttpRequestException or IOException)
        {
            return Error(400, NoPassword);
        }
        // No password at all is a request that cannot sign in, not a guess: refused without counting against the address.
        if (password is null) return Error(400, NoPassword);
        if (!auth.PasswordMatches(password))
        {
            auth.Failed(address);
            logger.LogWarning("Dashboard: failed sign-in from {Address}", address);
            return Error(401, "Wrong password");
        }
        var session = auth.NewSession(out var expires);
        context.Response.Cookies.Append(DashboardAuth.CookieName, session, Cookie(context, expires));
        return Results.NoContent();
    }

    private static IResult MethodNotAllowed(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return Error(405, $"Method not allowed: use {allowed}");
    }

    private static IResult TooManyFailures(HttpContext context)
    {
        context.Response.Headers.RetryAfter = "60";
        return Error(429, "Too many failed sign-ins from this address; try again in a minute");
    }

    private CookieOptions Cookie(HttpContext context, DateTimeOffset expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = $"{options.PathPrefix}/dashboard",
        Expires = expires,
    };

    /// <summary>Server-sent events: the overview every second, and the cluster's live log as it comes.</summary>
    private async Task LiveAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        // nginx would otherwise hold the stream back in its buffer.
        response.Headers["X-Accel-Buffering"] = "no";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var (batches, subscription) = log.Subscribe();
        using var _ = subscription;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await SendAsync(response, "overview", await overview.GetAsync(), stop.Token);
                using var wait = new CancellationTokenSource(OverviewEvery, time);
                using var until = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, stop.Token);
                try
                {
                    while (await batches.WaitToReadAsync(until.Token))
                    {
                        while (batches.TryRead(out var batch)) await SendAsync(response, "log", LogJson(batch), stop.Token);
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // The second is up: the next overview.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page went away, or the node stops.
        }
    }

    private static async Task SendAsync(HttpResponse response, string name, object data, CancellationToken cancel)
    {
        var text = $"event: {name}\ndata: {JsonSerializer.Serialize(data)}\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancel);
        await response.Body.FlushAsync(cancel);
    }

    private static object LogJson(LiveLogBatch batch) => new
    {
        entries = batch.Entries.Select(e => new
        {
            t = e.TimeMs, node = batch.Node, app = e.AppId, kind = e.Kind, socket_id = e.SocketId, channel = e.Channel, @event = e.Event, text = e.Text,
        }),
        dropped = batch.Dropped,
    };

    /// <summary>The form's event, through the HTTP API's own trigger: its limits and socket_id rules apply.</summary>
    private async Task<IResult> TestEventAsync(HttpContext context)
    {
        // JSON only: a cross-site form cannot send it without the page's own origin.
        if (context.Request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            return Error(415, "Send the event as JSON");
        JsonElement form;
        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            form = json.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Error(400, "The body is not JSON");
        }
        if (form.ValueKind != JsonValueKind.Object) return Error(400, "Expected a JSON object with app, channel, event and data");
        foreach (var name in (string[])["app", "channel", "event", "socket_id"])
        {
            if (form.TryGetProperty(name, out var field) && field.ValueKind is not JsonValueKind.String and not JsonValueKind.Null)
                return Error(400, $"{name} must be a string");
        }
        var appId = Text(form, "app");
        if (appId is null || apps.ById(appId) is not { } app) return Error(404, $"Unknown app id '{appId}'");
        if (!app.Enabled) return Error(403, "Application disabled");
        var body = TriggerBody(Text(form, "event"), Text(form, "channel"), form.TryGetProperty("data", out var data) ? data : default, Text(form, "socket_id"));
        try
        {
            await handlers.HandleAsync(app, new HttpApiRoute(HttpApiAction.Events, "POST"), QueryCollection.Empty, body);
            logger.LogInformation("Dashboard: test event sent to {App}", app.Id);
            return Results.Json(new { });
        }
        catch (ApiError e)
        {
            return Error(e.Status, e.Message);
        }
    }

    private static string? Text(JsonElement form, string name) =>
        form.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;

    private static byte[] TriggerBody(string? name, string? channel, JsonElement data, string? socketId)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            if (name is not null) w.WriteString("name", name);
            if (channel is not null) w.WriteString("channel", channel);
            // A string is sent as it is; any other JSON as its text, as the SDKs do with an object.
            if (data.ValueKind == JsonValueKind.String) w.WriteString("data", data.GetString());
            else if (data.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null) w.WriteString("data", data.GetRawText());
            else w.WriteString("data", "");
            if (socketId is not null) w.WriteString("socket_id", socketId);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
    }

    private static IResult Error(int status, string message) => new JsonError(status, message);

    /// <summary>The HTTP API's error body with a status.</summary>
    private sealed class JsonError(int status, string message) : IResult
    {
        public async Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(ApiResponses.Error(message));
        }
    }
}
