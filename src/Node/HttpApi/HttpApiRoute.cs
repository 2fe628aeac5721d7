namespace Broadcaster.Node.HttpApi;

/// <summary>One of the routes below <c>/apps/{app_id}/</c>, with the channel name or user id where the route has one.</summary>
public sealed record HttpApiRoute(HttpApiAction Action, string Method, string? Channel = null, string? User = null)
{
    public static HttpApiRoute? Match(string rest)
    {
        var parts = rest.Split('/');
        return parts switch
        {
            ["events"] => new(HttpApiAction.Events, "POST"),
            ["batch_events"] => new(HttpApiAction.BatchEvents, "POST"),
            ["channels"] => new(HttpApiAction.Channels, "GET"),
            ["channels", var name] when name.Length > 0 => new(HttpApiAction.Channel, "GET", name),
            ["channels", var name, "users"] when name.Length > 0 => new(HttpApiAction.Users, "GET", name),
            ["users", var user, "terminate_connections"] when user.Length > 0 => new(HttpApiAction.TerminateUserConnections, "POST", User: user),
            _ => null,
        };
    }
}
