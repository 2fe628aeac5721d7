using Akka.Actor;
using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Sockets;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Frames;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Users;

/// <summary>
/// The node's signed-in connections by (app, user id), and the owner of the node's watchlists (PROTOCOL.md 5).
/// <list type="bullet">
/// <item><c>terminate_connections</c>: <see cref="TerminateUser"/> reaches every node's directory, which tells each
/// connection signed in as that user to close with 4009.</item>
/// <item>Watchlists, on apps that enable them: a user is online while it has a signed-in connection on any node. The
/// directory reports its own users' first and last connections as the <see cref="ClusterSets.Online"/> set of the
/// presence replica, and hears from the presence actor whenever a user comes online in, or goes offline from, the
/// whole cluster. It then tells each local connection watching that user.</item>
/// </list>
/// Events on <c>#server-to-user-{id}</c> need nothing here: pusher-js subscribes its signed-in connections to that
/// channel, the connection actor lets only that user do so, and the event reaches them on every node like any event.
/// </summary>
public sealed class UserDirectory : ReceiveActor
{
    private sealed record SignedIn(PusherApp App, UserData User, IPusherSocket Socket);

    private readonly IActorRef _presence;
    private readonly Dictionary<IActorRef, SignedIn> _connections = new();
    private readonly Dictionary<(string App, string User), HashSet<IActorRef>> _byUser = new();
    private readonly Dictionary<(string App, string User), HashSet<IActorRef>> _watchers = new();
    /// <summary>Users online anywhere in the cluster, per app with watchlist events: the replica's view of <see cref="ClusterSets.Online"/>.</summary>
    private readonly Dictionary<string, HashSet<string>> _online = new(StringComparer.Ordinal);

    public UserDirectory(IActorRef presence)
    {
        _presence = presence;
        Receive<UserSignedIn>(OnSignedIn);
        Receive<Terminated>(t => Forget(t.ActorRef));
        Receive<TerminateUser>(t =>
        {
            if (!_byUser.TryGetValue((t.AppId, t.UserId), out var connections)) return;
            foreach (var connection in connections) connection.Tell(TerminateConnection.Instance);
        });
        Receive<ClusterMembersChanged>(c =>
        {
            foreach (var change in c.Changes)
            {
                if (change.Key.Channel == ClusterSets.Online) OnOnlineChanged(change.Key.AppId, change.Member.UserId, change.Added);
            }
        });
        Receive<GetSignedInCount>(_ => Sender.Tell(_connections.Count));
    }

    public static Props Props(IActorRef presence) => Akka.Actor.Props.Create(() => new UserDirectory(presence));

    protected override void PreStart() => _presence.Tell(ListenToClusterChanges.Instance);

    private void OnSignedIn(UserSignedIn s)
    {
        // A second sign-in replaces the identity (PROTOCOL.md 5.2): the connection leaves its old user first.
        if (_connections.ContainsKey(Sender)) Forget(Sender);
        else Context.Watch(Sender);
        var app = s.App;
        var user = s.User;
        _connections[Sender] = new SignedIn(app, user, s.Socket);
        var key = (app.Id, user.Id);
        if (!_byUser.TryGetValue(key, out var connections)) _byUser[key] = connections = [];
        connections.Add(Sender);
        if (!app.EnableWatchlistEvents) return;
        if (connections.Count == 1) _presence.Tell(new LocalMemberJoined(ClusterSets.OnlineOf(app.Id), ClusterSets.Entry(user.Id)));
        if (user.Watchlist.Count > UserData.MaxWatchlist)
        {
            s.Socket.TrySend(ServerFrames.Error(4302, $"The watchlist has more than {UserData.MaxWatchlist} user ids; no watchlist events are sent"));
            return;
        }
        if (user.Watchlist.Count == 0) return;
        foreach (var watched in user.Watchlist)
        {
            if (!_watchers.TryGetValue((app.Id, watched), out var watchers)) _watchers[(app.Id, watched)] = watchers = [];
            watchers.Add(Sender);
        }
        // The current view right after signin_success (which the connection queued before telling us).
        var online = _online.TryGetValue(app.Id, out var set) ? set : [];
        s.Socket.TrySend(ServerFrames.WatchlistEvents(
            user.Watchlist.Where(online.Contains).ToList(), user.Watchlist.Where(w => !online.Contains(w)).ToList()));
    }

    private void OnOnlineChanged(string appId, string userId, bool online)
    {
        if (!_online.TryGetValue(appId, out var set)) _online[appId] = set = new HashSet<string>(StringComparer.Ordinal);
        if (online) set.Add(userId);
        else set.Remove(userId);
        if (!_watchers.TryGetValue((appId, userId), out var watchers)) return;
        var frame = online ? ServerFrames.WatchlistEvents([userId], []) : ServerFrames.WatchlistEvents([], [userId]);
        foreach (var watcher in watchers)
        {
            if (_connections.TryGetValue(watcher, out var signedIn)) signedIn.Socket.TrySend(frame);
        }
    }

    private void Forget(IActorRef connection)
    {
        if (!_connections.Remove(connection, out var signedIn)) return;
        var (app, user) = (signedIn.App, signedIn.User);
        var key = (app.Id, user.Id);
        if (_byUser.TryGetValue(key, out var connections))
        {
            connections.Remove(connection);
            if (connections.Count == 0)
            {
                _byUser.Remove(key);
                if (app.EnableWatchlistEvents) _presence.Tell(new LocalMemberLeft(ClusterSets.OnlineOf(app.Id), user.Id));
            }
        }
        foreach (var watched in user.Watchlist)
        {
            if (!_watchers.TryGetValue((app.Id, watched), out var watchers)) continue;
            watchers.Remove(connection);
            if (watchers.Count == 0) _watchers.Remove((app.Id, watched));
        }
    }
}
