using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Webhooks;

/// <summary>No endpoint anywhere: what a node without webhooks (and the actor tests) run with.</summary>
public sealed class NoWebhooks : IWebhookSink
{
    public static NoWebhooks Instance { get; } = new();

    public void Send(PusherApp app, Webhook endpoint, WebhookEvent webhookEvent, long createdMs) { }
}
