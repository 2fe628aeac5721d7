using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Users;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Http;
using Broadcaster.Actors.Connections;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;
using Broadcaster.Protocol.Signing;
using Xunit;

namespace Broadcaster.Actors.Tests.Support;

/// <summary>One connection under test: its actor, its recording socket and the probe that socket reports to.</summary>
public sealed record Client(IActorRef Actor, RecordingSocket Socket, TestProbe Probe)
{
    public string SocketId => Socket.SocketId;
}

/// <summary>Shared helpers: apps, signatures, client frames, connections and channel subscribers.</summary>
public abstract class ActorTestBase : Akka.TestKit.Xunit2.TestKit
{
    protected const string AppId = "app-1";
    protected const string AppKey = "app-key";
    protected const string AppSecret = "app-secret";
    protected static readonly TimeSpan Timeout = ProbeExtensions.DefaultTimeout;

    private static readonly string Quiet = "akka.loglevel = WARNING\nakka.log-dead-letters = off\nakka.stdout-loglevel = WARNING\n" + LeanMailbox.Hocon + "\n";

    protected ActorTestBase() : base(Quiet)
    {
    }

    /// <param name="config">HOCON over the quiet defaults, e.g. a test scheduler.</param>
    protected ActorTestBase(string config) : base(Quiet + config)
    {
    }

    protected static PusherApp MakeApp(bool clientMessages = true, bool userAuthentication = false) =>
        new(AppId, AppKey, AppSecret, "test", EnableClientMessages: clientMessages, EnableUserAuthentication: userAuthentication);

    /// <summary>
    /// A node's channel side in the test kit's system: presence actor, channel directory and a recording topic.
    /// <paramref name="published"/>, when given, is told every message the node publishes to the cluster.
    /// </summary>
    /// <param name="webhooks">Told what the node's webhook emitter would be told (client events, cache misses); a sink by default.</param>
    protected LocalChannels NewChannels(ProtocolLimits? limits = null, string nodeId = "node-a", IActorRef? published = null,
        ChannelSettings? settings = null, IActorRef? webhooks = null)
    {
        var topic = Sys.ActorOf(RecordingTopic.Props(published));
        var presence = Sys.ActorOf(PresenceActor.Props(nodeId, topic));
        webhooks ??= CreateTestProbe().Ref;
        var channelSettings = (settings ?? new ChannelSettings()) with { Limits = limits ?? settings?.Limits ?? ProtocolLimits.Default };
        var directory = Sys.ActorOf(ChannelDirectory.Props(channelSettings, presence, webhooks, new EventPublisher(topic)));
        var users = Sys.ActorOf(UserDirectory.Props(presence));
        return new LocalChannels(directory, presence, topic, users, webhooks);
    }

    // ---- signatures ----

    protected static string ChannelAuth(string socketId, string channel, string? channelData = null) =>
        $"{AppKey}:{PusherSignature.Sign(AppSecret, PusherSignature.ChannelStringToSign(socketId, channel, channelData))}";

    protected static string SigninAuth(string socketId, string userData) =>
        $"{AppKey}:{PusherSignature.Sign(AppSecret, PusherSignature.UserStringToSign(socketId, userData))}";

    // ---- client frames ----

    protected static string SubscribeJson(string channel, string? auth = null, string? channelData = null)
    {
        var data = new JsonObject { ["channel"] = channel, ["auth"] = auth ?? "" };
        if (channelData is not null) data["channel_data"] = channelData;
        return new JsonObject { ["event"] = "pusher:subscribe", ["data"] = data }.ToJsonString();
    }

    protected static string UnsubscribeJson(string channel) =>
        new JsonObject { ["event"] = "pusher:unsubscribe", ["data"] = new JsonObject { ["channel"] = channel } }.ToJsonString();

    protected static string SigninJson(string auth, string userData) =>
        new JsonObject { ["event"] = "pusher:signin", ["data"] = new JsonObject { ["auth"] = auth, ["user_data"] = userData } }.ToJsonString();

    protected static string ClientEventJson(string eventName, string channel, string dataJson = """{"typing":true}""") =>
        $$"""{"event":{{JsonValue.Create(eventName).ToJsonString()}},"channel":{{JsonValue.Create(channel).ToJsonString()}},"data":{{dataJson}}}""";

    protected static string PresenceData(string userId, string userInfoJson = """{"name":"n"}""") =>
        $$"""{"user_id":{{JsonValue.Create(userId).ToJsonString()}},"user_info":{{userInfoJson}}}""";

    protected static void Send(Client client, string json)
    {
        Assert.True(ClientFrameParser.TryParse(Encoding.UTF8.GetBytes(json), out var frame, out var error), error);
        client.Actor.Tell(ClientFrameReceived.Of(frame!));
    }

    // ---- connections ----

    protected Client Connect(LocalChannels channels, PusherApp? app = null, ConnectionSettings? settings = null) =>
        Connect(Sys.ActorOf(ConnectionSupervisor.Props(channels.Routes, settings ?? new ConnectionSettings())), app);

    protected Client Connect(IActorRef supervisor, PusherApp? app = null)
    {
        var probe = CreateTestProbe();
        var socket = new RecordingSocket(SocketId.New(), probe.Ref);
        var connection = supervisor.Ask<IActorRef>(new OpenConnection(app ?? MakeApp(), socket), Timeout).GetAwaiter().GetResult();
        probe.ExpectFrame("pusher:connection_established");
        return new Client(connection, socket, probe);
    }

    /// <summary>Subscribes with a valid signature and expects the subscription_succeeded frame.</summary>
    protected static Frame SubscribeOk(Client client, string channel, string? channelData = null)
    {
        var type = ChannelName.TypeOf(channel);
        var auth = ChannelName.RequiresAuth(type) ? ChannelAuth(client.SocketId, channel, channelData) : null;
        Send(client, SubscribeJson(channel, auth, channelData));
        var frame = client.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
        Assert.Equal(channel, frame.Channel);
        return frame;
    }

    /// <summary>Signs in as <paramref name="userId"/> and expects signin_success.</summary>
    /// <summary>Signs in as <paramref name="userId"/> following <paramref name="watchlist"/> and expects signin_success.</summary>
    protected static void SigninWatching(Client client, string userId, params string[] watchlist)
    {
        var userData = new JsonObject { ["id"] = userId, ["watchlist"] = new JsonArray([.. watchlist.Select(w => JsonValue.Create(w))]) }.ToJsonString();
        Send(client, SigninJson(SigninAuth(client.SocketId, userData), userData));
        client.Probe.ExpectFrame("pusher:signin_success");
    }

    protected static void SigninOk(Client client, string userId, string userInfoJson = """{"name":"n"}""")
    {
        var userData = $$"""{"id":{{JsonValue.Create(userId).ToJsonString()}},"user_info":{{userInfoJson}}}""";
        Send(client, SigninJson(SigninAuth(client.SocketId, userData), userData));
        var frame = client.Probe.ExpectFrame("pusher:signin_success");
        Assert.Equal(userData, frame.Data!.Value.GetProperty("user_data").GetString());
    }

    // ---- raw channel subscribers (no connection actor) ----

    /// <summary>A socket with its own probe, plus a probe standing in for its connection actor.</summary>
    protected sealed record Subscriber(RecordingSocket Socket, TestProbe Probe, TestProbe Connection)
    {
        public string SocketId => Socket.SocketId;
    }

    protected Subscriber NewSubscriber(int capacity = int.MaxValue)
    {
        var probe = CreateTestProbe();
        return new Subscriber(new RecordingSocket(SocketId.New(), probe.Ref, capacity), probe, CreateTestProbe());
    }

    protected static void Tell(LocalChannels channels, string channel, IChannelCommand command) =>
        channels.Directory.Tell(new ChannelEnvelope(AppId, channel, command));

    /// <summary>An event for every subscriber of the channel but <paramref name="exceptSocketId"/>, as the node bus hands it over.</summary>
    protected static void Publish(LocalChannels channels, string channel, ReadOnlyMemory<byte> frame, string? exceptSocketId) =>
        channels.Directory.Tell(new ChannelEvent(AppId, channel, frame, exceptSocketId));

    protected static void Subscribe(LocalChannels channels, string channel, Subscriber s, PresenceMember? member = null) =>
        Tell(channels, channel, new Subscribe(s.Socket, s.Connection.Ref, member));

    protected static Frame SubscribeRaw(LocalChannels channels, string channel, Subscriber s, PresenceMember? member = null)
    {
        Subscribe(channels, channel, s, member);
        return s.Probe.ExpectFrame("pusher_internal:subscription_succeeded");
    }

    protected static byte[] EventBytes(string name, string channel, string data = "{}") => ServerFrames.ChannelEvent(name, channel, data);

    protected T Ask<T>(IActorRef actor, object query) => actor.Ask<T>(query, Timeout).GetAwaiter().GetResult();

    protected int ChannelActorCount(LocalChannels channels) => Ask<int>(channels.Directory, GetChannelActorCount.Instance);

    /// <summary>What the HTTP API reports for one channel: subscriptions from the directory, users from presence.</summary>
    protected ChannelInfo Info(LocalChannels channels, string channel, string appId = AppId)
    {
        var subscriptions = Ask<ChannelCounts>(channels.Directory, new ChannelCountsQuery(appId, [channel])).Subscriptions[channel];
        return new ChannelInfo(channel, subscriptions, UserCount(channels, appId, channel));
    }

    /// <summary>The app's occupied channels on this node, by name, with counts.</summary>
    protected IReadOnlyList<ChannelInfo> List(LocalChannels channels, string appId = AppId)
    {
        var counts = Ask<ChannelCounts>(channels.Directory, new ChannelCountsQuery(appId, null)).Subscriptions;
        return counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new ChannelInfo(c.Key, c.Value, UserCount(channels, appId, c.Key))).ToList();
    }

    /// <summary>Distinct users of a channel as the node's presence replica knows them (0 for a non-presence channel).</summary>
    private int UserCount(LocalChannels channels, string appId, string channel) =>
        Ask<ChannelMembers>(channels.Presence, new GetMembers(new ChannelKey(appId, channel))).Members.Count;

    protected IReadOnlyList<string> MemberIds(LocalChannels channels, string channel) =>
        Ask<ChannelMembers>(channels.Presence, new GetMembers(new ChannelKey(AppId, channel))).Members
            .Select(m => m.UserId).Order(StringComparer.Ordinal).ToList();
}
