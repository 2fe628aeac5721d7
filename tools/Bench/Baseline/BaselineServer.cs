using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Bench.Baseline;

/// <summary>
/// The raw baseline: the least a Pusher-shaped fan-out server on Kestrel can do. <c>/app/{key}</c> upgrades
/// (any key), answers <c>pusher:subscribe</c> with <c>subscription_succeeded</c> (any channel, no auth), and
/// <c>POST /apps/{id}/events</c> (no signature) writes the event to the channel's sockets, coalesced per socket. No
/// actors, no protocol checks, no liveness, no presence members: what our server costs above this is the price of
/// what it does on top.
/// </summary>
public static class BaselineServer
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
        });
        var app = builder.Build();
        var channels = new BaselineChannels();
        app.Map("/app/{key}", (HttpContext context) => BaselineSocket.AcceptAsync(context, channels));
        app.MapPost("/apps/{id}/events", (HttpContext context) => TriggerAsync(context, channels));
        app.MapGet("/ready", () => "ready");
        app.MapGet("/metrics", Metrics);
        await app.RunAsync();
        return 0;
    }

    private static async Task TriggerAsync(HttpContext context, BaselineChannels channels)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        var name = root.GetProperty("name").GetString() ?? "";
        var data = root.GetProperty("data").GetString() ?? "";
        if (root.TryGetProperty("channel", out var one) && one.GetString() is { } channel)
            channels.Publish(channel, BaselineFrames.Event(name, channel, data));
        if (root.TryGetProperty("channels", out var many))
            foreach (var item in many.EnumerateArray())
                if (item.GetString() is { } each) channels.Publish(each, BaselineFrames.Event(name, each, data));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{}");
    }

    /// <summary>The same GC metric our server publishes, and the open connections, for the benchmark to read from outside.</summary>
    private static string Metrics()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"baseline_connected {BaselineSocket.Connected}\n");
        for (var generation = 0; generation <= 2; generation++)
            text.Append(CultureInfo.InvariantCulture, $"dotnet_collection_count_total{{generation=\"{generation}\"}} {GC.CollectionCount(generation)}\n");
        return text.ToString();
    }
}
