namespace Broadcaster.Node.HttpApi;

/// <summary>The HTTP API actions below <c>/apps/{app_id}/</c> (PROTOCOL.md 6.3-6.8).</summary>
public enum HttpApiAction
{
    Events,
    BatchEvents,
    Channels,
    Channel,
    Users,
    TerminateUserConnections,
}
