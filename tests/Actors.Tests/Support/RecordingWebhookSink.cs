using Akka.Actor;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Webhooks;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>A webhook as a node handed it to its sink: which node, which endpoint, what.</summary>
public sealed record SentWebhook(string Node, string Url, WebhookEvent Event, long CreatedMs);

/// <summary>Tells <paramref name="probe"/> a <see cref="SentWebhook"/> for every webhook the node's emitter sends.</summary>
public sealed class RecordingWebhookSink(string node, IActorRef probe) : IWebhookSink
{
    public void Send(PusherApp app, Webhook endpoint, WebhookEvent webhookEvent, long createdMs) =>
        probe.Tell(new SentWebhook(node, endpoint.Url, webhookEvent, createdMs));
}
