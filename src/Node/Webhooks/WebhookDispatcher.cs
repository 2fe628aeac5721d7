using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Node.Webhooks;

/// <summary>
/// Sends webhooks: one Akka.Streams pipeline per endpoint (app and URL), so endpoints never share a request, a queue
/// or a delay. A bounded queue in front (new webhooks beyond it are dropped and counted), <c>GroupedWithin</c> batching
/// what arises within the batch window, and one request at a time per endpoint, so a channel's webhooks arrive in the
/// order they arose. Each request goes through the <c>webhooks</c> HttpClient, whose resilience handler retries it
/// with exponential back-off on errors, timeouts and 5xx for <c>retry-for</c> (<see cref="WebhookHttp"/>). Nothing here
/// runs on an actor's thread or holds one up.
/// </summary>
public sealed class WebhookDispatcher(WebhookOptions options, HttpClient http, IMaterializer materializer, WebhookCounters counters,
    ILogger<WebhookDispatcher> logger) : IWebhookSink, IDisposable
{
    private sealed record Pending(WebhookEvent Event, long CreatedMs);

    private readonly ConcurrentDictionary<(string App, Webhook Endpoint), ChannelWriter<Pending>> _queues = new();
    /// <summary>Cancelled when the node stops: requests in flight and retries end with it.</summary>
    private readonly CancellationTokenSource _stopping = new();

    public void Send(PusherApp app, Webhook endpoint, WebhookEvent webhookEvent, long createdMs)
    {
        var queue = _queues.GetOrAdd((app.Id, endpoint), _ => Start(app, endpoint));
        if (queue.TryWrite(new Pending(webhookEvent, createdMs))) return;
        counters.Dropped(app.Id);
        // The first drop and every thousandth after it: a dead endpoint under load must not flood the log.
        var dropped = counters.Read(app.Id, "dropped");
        if (dropped % 1000 == 1)
            logger.LogWarning("Webhook {Event} for {Channel} of app {App} dropped: {Url} has {Queued} webhooks waiting (broadcaster.webhooks.queue-size); {Dropped} dropped so far",
                webhookEvent.Name, webhookEvent.Channel, app.Id, endpoint.Url, options.QueueSize, dropped);
    }

    private ChannelWriter<Pending> Start(PusherApp app, Webhook endpoint)
    {
        var queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        ChannelSource.FromReader(queue.Reader)
            .GroupedWithin(options.BatchSize, options.BatchWindow)
            .SelectAsync(1, batch => PostAsync(app, endpoint, batch.ToList()))
            .RunWith(Sink.Ignore<Done>(), materializer);
        return queue.Writer;
    }

    private async Task<Done> PostAsync(PusherApp app, Webhook endpoint, List<Pending> batch)
    {
        // time_ms is when the oldest event of the batch arose, as Pusher sends it: receivers can see the delay.
        var request = WebhookRequest.Build(batch[0].CreatedMs, batch.Select(p => p.Event), app.Secret);
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(request.Body) };
            // Exactly "application/json": pusher-http-node's validation compares the whole header.
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.TryAddWithoutValidation("X-Pusher-Key", app.Key);
            message.Headers.TryAddWithoutValidation("X-Pusher-Signature", request.Signature);
            foreach (var (name, value) in endpoint.Headers ?? new Dictionary<string, string>()) message.Headers.TryAddWithoutValidation(name, value);
            WebhookHttp.SetApp(message, app.Id, counters);
            using var response = await http.SendAsync(message, _stopping.Token);
            if (response.IsSuccessStatusCode)
            {
                counters.Delivered(app.Id, batch.Count);
                return Done.Instance;
            }
            counters.Failed(app.Id, batch.Count);
            logger.LogWarning("Webhook request to {Url} for app {App} refused with {Status}; {Count} events not delivered",
                endpoint.Url, app.Id, (int)response.StatusCode, batch.Count);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            logger.LogWarning("Webhook request to {Url} for app {App} abandoned as the node stops; {Count} events not delivered",
                endpoint.Url, app.Id, batch.Count);
        }
        catch (Exception e)
        {
            counters.Failed(app.Id, batch.Count);
            logger.LogWarning("Webhook request to {Url} for app {App} failed for {RetryFor} of retries ({Error}); {Count} events not delivered",
                endpoint.Url, app.Id, options.RetryFor, e.Message, batch.Count);
        }
        return Done.Instance;
    }

    /// <summary>Stops taking webhooks and abandons those in flight: called when the node stops.</summary>
    public void Dispose()
    {
        foreach (var queue in _queues.Values) queue.TryComplete();
        _stopping.Cancel();
    }
}
