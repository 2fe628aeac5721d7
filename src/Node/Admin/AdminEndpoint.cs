using Akka.Actor;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Cluster;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.HttpApi;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.Admin;

/// <summary>
/// <c>POST [prefix]/broadcaster/restart</c> (rolling restart of every node) and <c>GET [prefix]/broadcaster/status</c>
/// (every node, its state, connections and channels), both signed like HTTP API calls.
/// </summary>
public sealed class AdminEndpoint(BroadcasterOptions options, NodeActors actors, ScatterGather scatter, SignedRequest signed, ILogger<AdminEndpoint> logger)
{
    public async Task<IResult> RestartAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context) is { } refused) return refused;
        var who = $"{context.Request.Query["auth_key"]} from {context.Connection.RemoteIpAddress}";
        logger.LogWarning("Rolling restart of the cluster requested by {Who}", who);
        actors.Refs.Restarts.Tell(new RestartCluster(who));
        return Results.Json(new { restarting = true, lastSlotAfterSeconds = RestartScheduler.Window.TotalSeconds });
    }

    public async Task<IResult> StatusAsync(HttpContext context)
    {
        if (await AuthenticateAsync(context) is { } refused) return refused;
        var state = Akka.Cluster.Cluster.Get(actors.System).State;
        var gathered = await scatter.AskEveryNodeAsync<NodeStatusReport>("status", actors.Refs.Status, GetNodeStatus.Instance);
        var reports = gathered.Answers.ToDictionary(a => a.Node.ToString(), a => a.Answer);
        var nodes = state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).Select(m =>
        {
            var report = reports.GetValueOrDefault(m.Address.ToString());
            return new
            {
                address = m.Address.ToString(),
                // Tells a node's incarnations at one address apart: a restarted node is a new member.
                uid = m.UniqueAddress.Uid,
                status = m.Status.ToString(),
                reachable = !state.Unreachable.Contains(m),
                ready = report?.Ready,
                connections = report?.Connections,
                channels = report?.Channels,
                subscriptions = report?.Subscriptions,
                presenceMembers = report?.PresenceMembers,
            };
        });
        var self = Akka.Cluster.Cluster.Get(actors.System).SelfUniqueAddress;
        // Whose view this is: the answering node, as the nodes list names members.
        return Results.Json(new { self = new { address = self.Address.ToString(), uid = self.Uid }, leader = state.Leader?.ToString(), nodes, missing = gathered.Missing });
    }

    private async Task<IResult?> AuthenticateAsync(HttpContext context)
    {
        var credentials = AdminCredentials.For(options, context.Request.Query["auth_key"].ToString());
        if (credentials is null) return Results.Json(new { error = AdminCredentials.Refusal(options, context.Request.Query["auth_key"].ToString()) }, statusCode: 401);
        try
        {
            var result = signed.Verify(context, credentials, await signed.ReadBodyAsync(context.Request));
            return result.IsOk ? null : Results.Json(new { error = result.Error }, statusCode: result.Status);
        }
        catch (ApiError e)
        {
            return Results.Json(new { error = e.Message }, statusCode: e.Status);
        }
    }
}
