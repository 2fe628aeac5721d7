using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>One webhook request as the receiver got it.</summary>
public sealed record ReceivedWebhook(byte[] Body, IReadOnlyDictionary<string, string> Headers, DateTimeOffset At)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>(name, channel, user_id) of each event in the body.</summary>
    public IEnumerable<(string Name, string Channel, string? UserId)> Events =>
        Json.GetProperty("events").EnumerateArray().Select(e =>
            (e.GetProperty("name").GetString()!, e.GetProperty("channel").GetString()!, e.TryGetProperty("user_id", out var u) ? u.GetString() : null));
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that records the webhooks posted to it. It can answer the first requests with an
/// error status (an endpoint that is down, then back) or hold every request unanswered (a dead endpoint).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private int _failuresLeft;

    public ConcurrentQueue<ReceivedWebhook> All { get; } = new();

    /// <summary>Requests answered with an error so far.</summary>
    public int Failed;

    /// <summary>The status the failing requests get.</summary>
    public int FailWith { get; set; } = 503;

    /// <summary>Never answers while set.</summary>
    public bool Hang { get; set; }

    public string Url => $"http://127.0.0.1:{Port}/pusher/webhook";

    public int Port { get; private set; }

    private WebhookReceiver(WebApplication web) => _web = web;

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        var receiver = new WebhookReceiver(web) { _failuresLeft = failFirst };
        web.MapPost("/pusher/webhook", receiver.HandleAsync);
        await web.StartAsync();
        receiver.Port = new Uri(web.Urls.First()).Port;
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            Interlocked.Increment(ref Failed);
            context.Response.StatusCode = FailWith;
            return;
        }
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var webhook = new ReceivedWebhook(body.ToArray(), headers, DateTimeOffset.UtcNow);
        All.Enqueue(webhook);
        _received.Writer.TryWrite(webhook);
        context.Response.StatusCode = 200;
    }

    /// <summary>The next webhook request delivered (answered 200), within <paramref name="timeout"/>.</summary>
    public async Task<ReceivedWebhook> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no webhook within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds}s");
        }
    }

    /// <summary>Events of delivered requests, in order, until <paramref name="count"/> have arrived.</summary>
    public async Task<List<(string Name, string Channel, string? UserId)>> EventsAsync(int count, TimeSpan? timeout = null)
    {
        var events = new List<(string, string, string?)>();
        while (events.Count < count) events.AddRange((await NextAsync(timeout)).Events);
        return events;
    }

    /// <summary>Nothing more is delivered for <paramref name="quiet"/>.</summary>
    public async Task ExpectNothingAsync(TimeSpan quiet)
    {
        using var cancel = new CancellationTokenSource(quiet);
        try
        {
            var extra = await _received.Reader.ReadAsync(cancel.Token);
            throw new Xunit.Sdk.XunitException($"unexpected webhook: {System.Text.Encoding.UTF8.GetString(extra.Body)}");
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        Hang = false;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _web.StopAsync(stop.Token);
        await _web.DisposeAsync();
    }
}
