using Akka.Actor;
using Broadcaster.Actors.Channels;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Sockets;
using Broadcaster.Actors.Users;
using Broadcaster.Actors.Webhooks;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Actors.Connections;

/// <summary>
/// Everything about one client socket: its subscriptions, signed-in user, liveness and client-event rate.
/// The read loop hands it parsed frames; it answers by queueing frames on the socket. An untyped actor with one
/// switch, and its deadlines on the node's <see cref="LivenessWheel"/>: a connection is the most numerous object of
/// the node, so it carries no per-instance handler table and no timer of its own.
/// </summary>
public sealed class ConnectionActor : UntypedActor
{
    private readonly PusherApp _app;
    private readonly IPusherSocket _socket;
    private readonly ConnectionRoutes _routes;
    private readonly ConnectionSettings _settings;
    private readonly LivenessWheel _wheel;
    /// <summary>Subscribed channels with their type and, on presence channels, the user id this socket joined as.</summary>
    private readonly Dictionary<string, (ChannelType Type, string? UserId)> _subscriptions = new(StringComparer.Ordinal);
    private readonly ClientEventRateLimiter _rateLimiter;
    private long _lastActivity;
    private long? _pingSentAt;
    private UserData? _user;
    private bool _authorized;
    private bool _closed;

    public ConnectionActor(PusherApp app, IPusherSocket socket, ConnectionRoutes routes, ConnectionSettings settings, LivenessWheel wheel)
    {
        _app = app;
        _socket = socket;
        _routes = routes;
        _settings = settings;
        _wheel = wheel;
        _lastActivity = settings.Time.GetTimestamp();
        _rateLimiter = new ClientEventRateLimiter(settings.Limits.ClientEventsPerSecond, settings.Time);
    }

    public static Props Props(PusherApp app, IPusherSocket socket, ConnectionRoutes routes, ConnectionSettings settings, LivenessWheel wheel) =>
        // The constructor's arguments as values, not as an expression tree: the tree is built anew for every connection.
        Akka.Actor.Props.Create<ConnectionActor>(app, socket, routes, settings, wheel).WithMailbox(LeanMailbox.Path);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClientFrameReceived received:
                OnFrame(received);
                break;
            case ClientAlive:
                OnActivity();
                break;
            case SubscriptionRefused refused:
                _subscriptions.Remove(refused.Channel);
                _authorized = _user is not null || _subscriptions.Values.Any(s => s.Type != ChannelType.Public);
                break;
            case LivenessTick:
                CheckLiveness();
                break;
            case AuthorizationDeadline when !_authorized && !_closed:
                _socket.TrySend(ServerFrames.Error(4009, "Connection not authorized within timeout"));
                CloseSocket(4009, "Connection not authorized within timeout");
                break;
            case SocketClosed:
                Context.Stop(Self);
                break;
            case TerminateConnection when !_closed:
                _socket.TrySend(ServerFrames.Error(4009, "You got disconnected by the app."));
                CloseSocket(4009, "You got disconnected by the app.");
                Log("terminated", "terminated by the app");
                break;
            case TerminateConnection:
                break;
            case AuthorizationDeadline:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private string SocketId => _socket.SocketId;

    protected override void PreStart()
    {
        _socket.TrySend(ServerFrames.ConnectionEstablished(SocketId, (int)_settings.ActivityTimeout.TotalSeconds));
        _wheel.Schedule(Self, LivenessTick.Instance, _settings.ActivityTimeout);
        if (_app.EnableUserAuthentication) _wheel.Schedule(Self, AuthorizationDeadline.Instance, _settings.UserAuthenticationTimeout);
        if (Logging) Log("connected", $"connected to app {_app.Id}");
    }

    protected override void PostStop()
    {
        foreach (var channel in _subscriptions.Keys) _routes.Channels.Tell(new ChannelEnvelope(_app.Id, channel, new Unsubscribe(SocketId)));
        _subscriptions.Clear();
        // Idempotent when the socket is already closed; after a crash of this actor it tells the client to reconnect.
        _socket.Close(4200, "Connection reset, please reconnect");
        Log("disconnected", "disconnected");
    }

    private void OnActivity()
    {
        _lastActivity = _settings.Time.GetTimestamp();
        _pingSentAt = null;
    }

    private void OnFrame(ClientFrameReceived received)
    {
        OnActivity();
        if (received.Frame is not { } frame)
        {
            _socket.TrySend(ServerFrames.Error(null, received.ParseError ?? "Invalid message format"));
            return;
        }
        switch (frame.Event)
        {
            case "pusher:ping":
                _socket.TrySend(ServerFrames.Pong);
                break;
            case "pusher:pong":
                break;
            case "pusher:subscribe":
                OnSubscribe(frame.Data);
                break;
            case "pusher:unsubscribe":
                OnUnsubscribe(frame.Data.Channel ?? frame.Channel);
                break;
            case "pusher:signin":
                OnSignin(frame.Data);
                break;
            default:
                if (frame.IsClientEvent) OnClientEvent(frame);
                else _socket.TrySend(ServerFrames.Error(null, $"Unsupported event '{Truncate(frame.Event)}': clients may only send pusher: and client- events"));
                break;
        }
    }

    private void OnSubscribe(PusherEventData data)
    {
        var channel = data.Channel;
        if (!ChannelName.IsValid(channel, _settings.Limits.MaxChannelNameLength, allowServerToUser: true))
        {
            Refuse(channel ?? "", "InvalidChannel", $"Invalid channel name: letters, digits and _-=@,.; only, at most {_settings.Limits.MaxChannelNameLength} characters", 400);
            return;
        }
        var type = ChannelName.TypeOf(channel!);
        PresenceMember? member = null;
        if (ChannelName.RequiresAuth(type))
        {
            var channelData = type == ChannelType.Presence && (data.ChannelData is not null || _user is null) ? data.ChannelData : null;
            var toSign = PusherSignature.ChannelStringToSign(SocketId, channel!, channelData);
            if (!PusherSignature.VerifyAuth(_app.Key, _app.Secret, toSign, data.Auth))
            {
                Refuse(channel!, "AuthError", "Invalid signature: the auth must be '<app key>:<HMAC SHA256 hex of socket_id:channel[:channel_data]>'", 401);
                return;
            }
            if (type == ChannelType.Presence)
            {
                if (channelData is null && _user is not null) member = _user.AsMember();
                else if (!ChannelData.TryParse(channelData, _settings.Limits, out member, out var error, out var errorType))
                {
                    Refuse(channel!, errorType, error, errorType == "LimitReached" ? 4100 : 400);
                    return;
                }
            }
        }
        else if (type == ChannelType.ServerToUser && (_user is null || channel != ChannelName.ServerToUserPrefix + _user.Id))
        {
            Refuse(channel!, "AuthError", "Only the signed-in user may subscribe to its own server-to-user channel", 401);
            return;
        }
        if (type != ChannelType.Public) _authorized = true;
        // A repeated subscribe changes nothing: the channel keeps the identity the socket first joined with.
        _subscriptions.TryAdd(channel!, (type, member?.UserId));
        _routes.Channels.Tell(new ChannelEnvelope(_app.Id, channel!, new Subscribe(_socket, Self, member)));
        if (Logging) Log("subscribed", member is null ? $"subscribed to {channel}" : $"subscribed to {channel} as user {member.UserId}", channel);
    }

    private void Refuse(string channel, string type, string error, int status)
    {
        _socket.TrySend(ServerFrames.SubscriptionError(channel, type, error, status));
        if (Logging) Log("subscription_refused", $"subscription to {channel} refused: {error}", channel);
    }

    private void OnUnsubscribe(string? channel)
    {
        if (channel is null || !_subscriptions.Remove(channel)) return;
        _routes.Channels.Tell(new ChannelEnvelope(_app.Id, channel, new Unsubscribe(SocketId)));
        if (Logging) Log("unsubscribed", $"unsubscribed from {channel}", channel);
    }

    private void OnSignin(PusherEventData data)
    {
        var ok = data.UserData is { } userData &&
                 PusherSignature.VerifyAuth(_app.Key, _app.Secret, PusherSignature.UserStringToSign(SocketId, userData), data.Auth) &&
                 UserData.TryParse(userData, out _user);
        if (!ok)
        {
            _socket.TrySend(ServerFrames.Error(4009, "Connection not authorized."));
            CloseSocket(4009, "Connection not authorized.");
            Log("signin_refused", "sign-in refused");
            return;
        }
        _authorized = true;
        _socket.TrySend(ServerFrames.SigninSuccess(data.UserData!));
        // After the reply is queued: the directory may queue the watchlist's current view right behind it.
        _routes.Users.Tell(new UserSignedIn(_app, _user!, _socket));
        if (Logging) Log("signed_in", $"signed in as user {_user!.Id}");
    }

    private void OnClientEvent(ClientFrame frame)
    {
        var channel = frame.Channel;
        if (!_app.EnableClientMessages)
        {
            _socket.TrySend(ServerFrames.Error(4301, "The app does not have client messaging enabled.", channel));
            return;
        }
        if (channel is null || !_subscriptions.TryGetValue(channel, out var subscription))
        {
            _socket.TrySend(ServerFrames.Error(4009, "The client is not a member of the specified channel.", channel));
            return;
        }
        if (!ChannelName.AllowsClientEvents(subscription.Type))
        {
            _socket.TrySend(ServerFrames.Error(4301, "Client events are only allowed on private and presence channels.", channel));
            return;
        }
        if (frame.Event.Length > _settings.Limits.MaxEventNameLength || frame.DataSize > _settings.Limits.MaxEventDataBytes)
        {
            _socket.TrySend(ServerFrames.Error(4301, "Client event rejected: event name or data too large.", channel));
            return;
        }
        if (!_rateLimiter.TryTake())
        {
            _settings.Counters.ClientEventRateLimited(_app.Id);
            _socket.TrySend(ServerFrames.Error(4301, "Client event rejected due to rate limit", channel));
            return;
        }
        var relayed = ServerFrames.ClientEvent(frame.Event, channel, frame.RawData, subscription.UserId);
        _routes.Channels.Tell(new ChannelEnvelope(_app.Id, channel, new ClientPublish(relayed, SocketId)));
        if (_app.WantsWebhook(Protocol.Webhooks.Webhook.ClientEvent))
            _routes.Webhooks.Tell(new WebhookHappened(_app.Id, Protocol.Webhooks.WebhookEvent.ClientEvent(channel, frame.Event, frame.RawData, SocketId, subscription.UserId)));
        // The one log line on the per-message path: build it only when someone reads it.
        if (Logging) Log("client_event", $"client event {frame.Event} on {channel}", channel, frame.Event);
    }

    /// <summary>
    /// At a deadline: no pong after our ping closes with 4201; silence for the activity timeout earns a ping; otherwise
    /// the next deadline is scheduled from the last activity, which frames only record, never reschedule.
    /// </summary>
    private void CheckLiveness()
    {
        if (_closed) return;
        var time = _settings.Time;
        if (_pingSentAt is { } sent)
        {
            var waited = time.GetElapsedTime(sent);
            if (waited < _settings.PongTimeout)
            {
                _wheel.Schedule(Self, LivenessTick.Instance, _settings.PongTimeout - waited);
                return;
            }
            _socket.TrySend(ServerFrames.Error(4201, "Pong reply not received"));
            CloseSocket(4201, "Pong reply not received");
            Log("closed", "closed: no pong");
            return;
        }
        var silent = time.GetElapsedTime(_lastActivity);
        if (silent < _settings.ActivityTimeout)
        {
            _wheel.Schedule(Self, LivenessTick.Instance, _settings.ActivityTimeout - silent);
            return;
        }
        _pingSentAt = time.GetTimestamp();
        _socket.TrySend(ServerFrames.Ping);
        _wheel.Schedule(Self, LivenessTick.Instance, _settings.PongTimeout);
    }

    /// <summary>Closes the socket and stops checking it; the actor itself stops when the read loop reports the close.</summary>
    private void CloseSocket(int code, string reason)
    {
        _socket.Close(code, reason);
        _closed = true;
    }

    /// <summary>
    /// Someone reads the log: <c>--debug</c>, or a dashboard open somewhere in the cluster. Checked before a line is
    /// formatted, so with neither a connection or subscription formats nothing.
    /// </summary>
    private bool Logging => _settings.DebugLog is not null || _settings.Activity is { Enabled: true };

    private void Log(string kind, string what, string? channel = null, string? eventName = null)
    {
        _settings.DebugLog?.Invoke($"[{_app.Id}] {SocketId} {what}");
        if (_settings.Activity is { Enabled: true } activity)
            activity.Write(new ActivityEntry(_settings.Time.GetUtcNow().ToUnixTimeMilliseconds(), _app.Id, kind, SocketId, channel, eventName, what));
    }

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
