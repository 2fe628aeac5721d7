using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Webhooks;

/// <summary>
/// Where the <see cref="WebhookEmitter"/> hands a webhook that is due: the node's delivery pipeline, which batches per
/// endpoint, sends and retries off the actors' threads. Never blocks.
/// </summary>
public interface IWebhookSink
{
    /// <param name="createdMs">Unix milliseconds when the webhook arose (its <c>time_ms</c>).</param>
    void Send(PusherApp app, Webhook endpoint, WebhookEvent webhookEvent, long createdMs);
}
