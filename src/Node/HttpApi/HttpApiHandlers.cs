using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Cluster;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Http;

namespace Broadcaster.Node.HttpApi;

/// <summary>The HTTP API actions (PROTOCOL.md 6.3-6.7) on an authenticated request.</summary>
public sealed class HttpApiHandlers(BroadcasterOptions options, NodeActors actors, ClusterQueries queries, ILogger<HttpApiHandlers> logger)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public Task<byte[]> HandleAsync(PusherApp app, HttpApiRoute route, IQueryCollection query, ReadOnlyMemory<byte> body) =>
        route.Action switch
        {
            HttpApiAction.Events => TriggerAsync(app, body),
            HttpApiAction.BatchEvents => TriggerBatchAsync(app, body),
            HttpApiAction.Channels => ChannelsAsync(app, query),
            HttpApiAction.Channel => ChannelAsync(app, ValidChannel(route.Channel!), query),
            HttpApiAction.Users => UsersAsync(app, ValidChannel(route.Channel!)),
            _ => throw new ApiError(404, "Unknown route"),
        };

    private async Task<byte[]> TriggerAsync(PusherApp app, ReadOnlyMemory<byte> body)
    {
        var request = TriggerRequest.ParseEvents(body, options.Limits);
        Publish(app, request);
        if (request.Info.Count == 0) return ApiResponses.Empty;
        var infos = await Task.WhenAll(request.Channels.Select(c => Info(app, c)));
        return ApiResponses.TriggerInfo(infos, request.Info);
    }

    private async Task<byte[]> TriggerBatchAsync(PusherApp app, ReadOnlyMemory<byte> body)
    {
        var batch = TriggerRequest.ParseBatch(body, options.Limits);
        foreach (var request in batch) Publish(app, request);
        if (batch.All(r => r.Info.Count == 0)) return ApiResponses.Empty;
        var items = new List<(ChannelInfo, IReadOnlySet<string>)>();
        foreach (var request in batch) items.Add((await Info(app, request.Channels[0]), request.Info));
        return ApiResponses.BatchInfo(items);
    }

    /// <summary>Each channel's frame is serialized once here; every subscriber on every node receives those same bytes.</summary>
    private void Publish(PusherApp app, TriggerRequest request)
    {
        foreach (var channel in request.Channels)
        {
            var frame = ServerFrames.ChannelEvent(request.Name, channel, request.Data);
            actors.Bus.Tell(new PublishEvent(new ChannelEvent(app.Id, channel, frame, request.SocketId)));
        }
        if (options.Debug)
            logger.LogInformation("[{App}] api event {Event} on {Channels}{Except}", app.Id, request.Name,
                string.Join(", ", request.Channels), request.SocketId is null ? "" : $" except {request.SocketId}");
    }

    private async Task<byte[]> ChannelsAsync(PusherApp app, IQueryCollection query)
    {
        var prefix = query["filter_by_prefix"].ToString();
        var info = TriggerRequest.ParseInfo(query["info"].ToString());
        if (info.Contains("user_count") && !prefix.StartsWith("presence-", StringComparison.Ordinal))
            throw new ApiError(400, "Request must be limited to presence channels in order to fetch user_count");
        var channels = await queries.ChannelsAsync(app.Id);
        return ApiResponses.ChannelList(channels.Where(c => c.Name.StartsWith(prefix, StringComparison.Ordinal)), info);
    }

    private async Task<byte[]> ChannelAsync(PusherApp app, string channel, IQueryCollection query)
    {
        var info = TriggerRequest.ParseInfo(query["info"].ToString());
        if (info.Contains("user_count") && ChannelName.TypeOf(channel) != ChannelType.Presence)
            throw new ApiError(400, "user_count is only available for presence channels");
        return ApiResponses.Channel(await Info(app, channel), info);
    }

    private async Task<byte[]> UsersAsync(PusherApp app, string channel)
    {
        if (ChannelName.TypeOf(channel) != ChannelType.Presence)
            throw new ApiError(400, "Users are only available for presence channels");
        var members = await actors.Channels.Ask<ChannelMembers>(new ChannelEnvelope(app.Id, channel, GetMembers.Instance), AskTimeout);
        return ApiResponses.Users(members.Members.Select(m => m.UserId));
    }

    private Task<ChannelInfo> Info(PusherApp app, string channel) => queries.ChannelAsync(app.Id, channel);

    private string ValidChannel(string channel)
    {
        var name = Uri.UnescapeDataString(channel);
        return ChannelName.IsValid(name, options.Limits.MaxChannelNameLength, allowServerToUser: true)
            ? name
            : throw new ApiError(400, "Invalid channel name");
    }
}
