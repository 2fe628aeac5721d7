using Broadcaster.Node.Configuration;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Broadcaster.Node.Webhooks;

/// <summary>
/// The <c>webhooks</c> HttpClient: Microsoft.Extensions.Http.Resilience around each request, outermost first: the
/// whole delivery may take <c>retry-for</c>; inside it, retries with exponential back-off and jitter from
/// <c>retry-delay</c> up to a minute, on what the library counts as transient (connection errors, timeouts, 5xx, 408,
/// 429); inside that, each attempt times out after <c>timeout</c>.
/// </summary>
public static class WebhookHttp
{
    public const string ClientName = "webhooks";

    private static readonly HttpRequestOptionsKey<(string App, WebhookCounters Counters)> AppKey = new("broadcaster.webhook-app");

    public static void Add(IServiceCollection services, WebhookOptions options)
    {
        services.AddHttpClient(ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .AddResilienceHandler(ClientName, builder => builder
                .AddTimeout(options.RetryFor)
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = int.MaxValue,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryDelay,
                    MaxDelay = TimeSpan.FromMinutes(1),
                    OnRetry = args =>
                    {
                        if (args.Context.GetRequestMessage()?.Options.TryGetValue(AppKey, out var app) == true) app.Counters.Retried(app.App);
                        return default;
                    },
                })
                .AddTimeout(options.Timeout));
    }

    /// <summary>Marks a request with its app, so retries are counted per app.</summary>
    public static void SetApp(HttpRequestMessage message, string appId, WebhookCounters counters) => message.Options.Set(AppKey, (appId, counters));
}
