using System.Text.Json;
using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Wire;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Dashboard;
using Broadcaster.Node.Metrics;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.HttpApi;

/// <summary>The HTTP API actions (PROTOCOL.md 6.3-6.7) on an authenticated request.</summary>
public sealed class HttpApiHandlers(
    BroadcasterOptions options, NodeActors actors, ClusterQueries queries, NodeMetrics metrics, LiveLog log, TimeProvider time, ILogger<HttpApiHandlers> logger)
{
    public Task<ApiAnswer> HandleAsync(PusherApp app, HttpApiRoute route, IQueryCollection query, ReadOnlyMemory<byte> body) =>
        route.Action switch
        {
            HttpApiAction.Events => TriggerAsync(app, body),
            HttpApiAction.BatchEvents => TriggerBatchAsync(app, body),
            HttpApiAction.Channels => ChannelsAsync(app, query),
            HttpApiAction.Channel => ChannelAsync(app, ValidChannel(route.Channel!), query),
            HttpApiAction.Users => UsersAsync(app, ValidChannel(route.Channel!)),
            HttpApiAction.TerminateUserConnections => Task.FromResult(TerminateUser(app, route.User!)),
            _ => throw new ApiError(404, "Unknown route"),
        };

    private async Task<ApiAnswer> TriggerAsync(PusherApp app, ReadOnlyMemory<byte> body)
    {
        var request = TriggerRequest.ParseEvents(body, options.Limits);
        Publish(app, request);
        if (request.Info.Count == 0) return ApiAnswer.Of(ApiResponses.Empty);
        var infos = await queries.ChannelsAsync(app.Id, request.Channels);
        return new ApiAnswer(ApiResponses.TriggerInfo(infos.Value, request.Info), infos.Missing);
    }

    private async Task<ApiAnswer> TriggerBatchAsync(PusherApp app, ReadOnlyMemory<byte> body)
    {
        var batch = TriggerRequest.ParseBatch(body, options.Limits);
        foreach (var request in batch) Publish(app, request);
        if (batch.All(r => r.Info.Count == 0)) return ApiAnswer.Of(ApiResponses.Empty);
        // One scatter-gather for the whole batch: every node is asked once, for every channel of the batch.
        var infos = await queries.ChannelsAsync(app.Id, batch.Select(r => r.Channels[0]).Distinct(StringComparer.Ordinal).ToList());
        var byName = infos.Value.ToDictionary(i => i.Name, StringComparer.Ordinal);
        return new ApiAnswer(ApiResponses.BatchInfo(batch.Select(r => (byName[r.Channels[0]], r.Info)).ToList()), infos.Missing);
    }

    /// <summary>
    /// Each channel's frame is serialized once here and published on the cluster topic in request order (batch items
    /// in array order); every subscriber on every node, this one included, receives those same bytes.
    /// </summary>
    private void Publish(PusherApp app, TriggerRequest request)
    {
        foreach (var channel in request.Channels)
        {
            var frame = ServerFrames.ChannelEvent(request.Name, channel, request.Data);
            actors.Refs.Publish(new ChannelEvent(app.Id, channel, frame, request.SocketId, FromApi: true));
            if (log.Enabled)
                log.Write(new ActivityEntry(time.GetUtcNow().ToUnixTimeMilliseconds(), app.Id, "api_event", request.SocketId, channel, request.Name,
                    $"api event {request.Name} on {channel}"));
        }
        metrics.For(app.Id).ApiMessagesTriggered(1);
        if (options.Debug)
            logger.LogInformation("[{App}] api event {Event} on {Channels}{Except}", app.Id, request.Name,
                string.Join(", ", request.Channels), request.SocketId is null ? "" : $" except {request.SocketId}");
    }

    private async Task<ApiAnswer> ChannelsAsync(PusherApp app, IQueryCollection query)
    {
        var prefix = query["filter_by_prefix"].ToString();
        var info = TriggerRequest.ParseInfo(query["info"].ToString());
        if (info.Contains("user_count") && !prefix.StartsWith("presence-", StringComparison.Ordinal))
            throw new ApiError(400, "Request must be limited to presence channels in order to fetch user_count");
        var channels = await queries.ChannelsAsync(app.Id);
        return new ApiAnswer(ApiResponses.ChannelList(channels.Value.Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)), info),
            channels.Missing);
    }

    private async Task<ApiAnswer> ChannelAsync(PusherApp app, string channel, IQueryCollection query)
    {
        var info = TriggerRequest.ParseInfo(query["info"].ToString());
        if (info.Contains("user_count") && ChannelName.TypeOf(channel) != ChannelType.Presence)
            throw new ApiError(400, "user_count is only available for presence channels");
        var infos = await queries.ChannelsAsync(app.Id, [channel]);
        var cached = info.Contains("cache") && ChannelName.IsCache(channel) ? await CachedAsync(app, channel) : null;
        return new ApiAnswer(ApiResponses.Channel(infos.Value[0], info, cached), infos.Missing);
    }

    /// <summary>This node's copy of the channel's cached event: every node holds every cache channel's (PROTOCOL.md 2.8).</summary>
    private async Task<CachedEvent?> CachedAsync(PusherApp app, string channel)
    {
        var answer = await actors.Channels.Ask<CachedEventAnswer>(new GetCachedEvent(new ChannelKey(app.Id, channel)), options.Cluster.QueryTimeout);
        if (answer.Frame is not { } frame) return null;
        using var doc = JsonDocument.Parse(frame);
        var root = doc.RootElement;
        return new CachedEvent(root.GetProperty("event").GetString() ?? "", root.TryGetProperty("data", out var data) ? data.GetString() ?? "" : "",
            (long)Math.Ceiling(answer.Left.TotalSeconds));
    }

    /// <summary>
    /// <c>POST users/{user_id}/terminate_connections</c> (PROTOCOL.md 6.8): every node closes that user's signed-in
    /// connections with 4009. Answered at once: the closing happens on each node as the message reaches it.
    /// </summary>
    private ApiAnswer TerminateUser(PusherApp app, string encodedUserId)
    {
        var userId = Uri.UnescapeDataString(encodedUserId);
        if (userId.Length == 0 || userId.Length > options.Limits.MaxUserIdLength)
            throw new ApiError(400, $"user_id must be 1 to {options.Limits.MaxUserIdLength} characters");
        actors.Refs.TerminateUser(new TerminateUser(app.Id, userId));
        if (options.Debug) logger.LogInformation("[{App}] api terminate_connections of user {User}", app.Id, userId);
        return ApiAnswer.Of(ApiResponses.Empty);
    }

    private async Task<ApiAnswer> UsersAsync(PusherApp app, string channel)
    {
        if (ChannelName.TypeOf(channel) != ChannelType.Presence)
            throw new ApiError(400, "Users are only available for presence channels");
        var users = await queries.UserIdsAsync(app.Id, [channel]);
        return new ApiAnswer(ApiResponses.Users(users.Value[channel]), users.Missing);
    }

    private string ValidChannel(string channel)
    {
        var name = Uri.UnescapeDataString(channel);
        return ChannelName.IsValid(name, options.Limits.MaxChannelNameLength, allowServerToUser: true)
            ? name
            : throw new ApiError(400, "Invalid channel name");
    }
}
