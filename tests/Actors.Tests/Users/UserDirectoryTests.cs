using Akka.Actor;
using Broadcaster.Actors.Connections;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Users;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Users;

/// <summary>PROTOCOL.md 5.4 and 6.8 on one node: terminating a user's connections, watchlist events.</summary>
public sealed class UserDirectoryTests : ActorTestBase
{
    private static PusherApp WatchlistApp => MakeApp() with { EnableWatchlistEvents = true };

    /// <summary>The (name, user ids) entries of a watchlist_events frame.</summary>
    private static List<(string Name, string[] Ids)> WatchlistEvents(Client client)
    {
        var frame = client.Probe.ExpectFrame("pusher_internal:watchlist_events");
        Assert.Null(frame.Channel);
        return frame.DataJson.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("user_ids").EnumerateArray().Select(i => i.GetString()!).ToArray()))
            .ToList();
    }

    [Fact]
    public void Terminate_closes_every_connection_of_the_user_with_4009_and_no_other()
    {
        var channels = NewChannels();
        var a = Connect(channels);
        var b = Connect(channels);
        var other = Connect(channels);
        var anonymous = Connect(channels);
        SigninOk(a, "42");
        SigninOk(b, "42");
        SigninOk(other, "7");
        SubscribeOk(anonymous, "presence-room", PresenceData("42"));

        channels.Users.Tell(new TerminateUser(AppId, "42"));

        foreach (var client in new[] { a, b })
        {
            var error = client.Probe.ExpectFrame("pusher:error");
            Assert.Equal(4009, error.ErrorCode());
            Assert.Equal("You got disconnected by the app.", error.DataJson.GetProperty("message").GetString());
            client.Probe.ExpectClose(4009);
        }
        // Only sign-in counts: a presence member with the same id that never signed in stays, as does another user.
        other.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        anonymous.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public void Terminate_of_another_app_or_after_the_connection_signed_in_anew_closes_nothing()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SigninOk(client, "1");
        SigninOk(client, "2");

        channels.Users.Tell(new TerminateUser("other-app", "2"));
        channels.Users.Tell(new TerminateUser(AppId, "1"));
        client.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        channels.Users.Tell(new TerminateUser(AppId, "2"));
        client.Probe.ExpectFrame("pusher:error");
        client.Probe.ExpectClose(4009);
    }

    [Fact]
    public void A_closed_connection_leaves_the_directory()
    {
        var channels = NewChannels();
        var client = Connect(channels);
        SigninOk(client, "42");
        AwaitAssert(() => Assert.Equal(1, Ask<int>(channels.Users, GetSignedInCount.Instance)));

        client.Actor.Tell(SocketClosed.Instance);

        AwaitAssert(() => Assert.Equal(0, Ask<int>(channels.Users, GetSignedInCount.Instance)));
    }

    [Fact]
    public void Signin_sends_the_watchlist_view_then_online_and_offline_as_watched_users_come_and_go()
    {
        var channels = NewChannels();
        var present = Connect(channels, WatchlistApp);
        SigninWatching(present, "7");

        var watcher = Connect(channels, WatchlistApp);
        SigninWatching(watcher, "1", "7", "8");
        Assert.Equal([("online", ["7"]), ("offline", ["8"])], WatchlistEvents(watcher).Select(e => (e.Name, e.Ids)).ToList(), new EntryComparer());

        var eight = Connect(channels, WatchlistApp);
        SigninWatching(eight, "8");
        Assert.Equal([("online", ["8"])], WatchlistEvents(watcher), new EntryComparer());

        // A second connection of a user already online changes nothing; its last one going does.
        var eightAgain = Connect(channels, WatchlistApp);
        SigninWatching(eightAgain, "8");
        eight.Actor.Tell(SocketClosed.Instance);
        watcher.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        eightAgain.Actor.Tell(SocketClosed.Instance);
        Assert.Equal([("offline", ["8"])], WatchlistEvents(watcher), new EntryComparer());
    }

    [Fact]
    public void No_watchlist_events_on_an_app_without_them_and_4302_over_100_ids()
    {
        var channels = NewChannels();
        var plain = Connect(channels);
        SigninWatching(plain, "1", "7");
        plain.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        var tooMany = Connect(channels, WatchlistApp);
        SigninWatching(tooMany, "2", Enumerable.Range(1, 101).Select(i => i.ToString()).ToArray());
        Assert.Equal(4302, tooMany.Probe.ExpectFrame("pusher:error").ErrorCode());
        // Signed in all the same.
        SubscribeOk(tooMany, "#server-to-user-2");
    }

    private sealed class EntryComparer : IEqualityComparer<(string Name, string[] Ids)>
    {
        public bool Equals((string Name, string[] Ids) x, (string Name, string[] Ids) y) => x.Name == y.Name && x.Ids.SequenceEqual(y.Ids);

        public int GetHashCode((string Name, string[] Ids) obj) => obj.Name.GetHashCode();
    }
}
