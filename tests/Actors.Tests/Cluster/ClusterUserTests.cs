using Broadcaster.Actors.Presence;
using Broadcaster.Actors.Tests.Support;
using Broadcaster.Actors.Wire;
using Broadcaster.Protocol.Apps;
using Xunit;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>PROTOCOL.md 5.3, 5.4 and 6.8 across nodes: terminate, server-to-user events and watchlists.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterUserTests : ClusterTestBase
{
    private static readonly PusherApp App = MakeApp() with { EnableWatchlistEvents = true };

    private static string WatchlistData(Client client) =>
        client.Probe.ExpectFrame("pusher_internal:watchlist_events", ClusterTimeout).DataJson.GetRawText();

    [Fact]
    public void Terminate_on_one_node_closes_the_user_on_every_node()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var onB = Connect(b);
        var onC = Connect(c);
        var bystander = Connect(c);
        SigninOk(onB, "42");
        SigninOk(onC, "42");
        SigninOk(bystander, "7");

        a.Refs.TerminateUser(new TerminateUser(AppId, "42"));

        foreach (var client in new[] { onB, onC })
        {
            Assert.Equal(4009, client.Probe.ExpectFrame("pusher:error", ClusterTimeout).ErrorCode());
            client.Probe.ExpectClose(4009);
        }
        bystander.Probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_server_to_user_event_reaches_every_connection_of_the_user_on_every_node()
    {
        var nodes = StartCluster(3);
        var onB = Connect(nodes[1]);
        var onC = Connect(nodes[2]);
        foreach (var client in new[] { onB, onC })
        {
            SigninOk(client, "42");
            SubscribeOk(client, "#server-to-user-42");
        }
        // The subscriptions reach the channel actors of their nodes; the event goes out from A.
        AwaitAssert(() => Assert.Equal(2, nodes.Sum(n => ChannelOf(n, "#server-to-user-42").SubscriptionCount)), ClusterTimeout);

        Publish(nodes[0], "#server-to-user-42", EventBytes("notice", "#server-to-user-42", "hi"));

        foreach (var client in new[] { onB, onC }) Assert.Equal("hi", client.Probe.ExpectFrame("notice", ClusterTimeout).Data!.Value.GetString());
    }

    [Fact]
    public void Watchlists_follow_users_signing_in_and_out_on_other_nodes()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var watcher = Connect(a, App);
        SigninWatching(watcher, "1", "7", "8");
        Assert.Equal("""{"events":[{"name":"offline","user_ids":["7","8"]}]}""", WatchlistData(watcher));

        var sevenOnB = Connect(b, App);
        SigninWatching(sevenOnB, "7");
        Assert.Equal("""{"events":[{"name":"online","user_ids":["7"]}]}""", WatchlistData(watcher));

        // 7 on a second node is still one online user; gone from both, offline. C's news of 7 and B's of 7 leaving travel
        // separately, so if B's arrives first the watcher sees 7 offline and online again: it ends online either way.
        var sevenOnC = Connect(c, App);
        SigninWatching(sevenOnC, "7");
        Close(sevenOnB);
        var flap = watcher.Probe.ReceiveWhile(TimeSpan.FromMilliseconds(500), m => m).Cast<SentFrame>()
            .Select(f => Frame.Parse(f.Bytes).DataJson.GetRawText()).ToList();
        Assert.True(flap.Count == 0 || flap[^1] == """{"events":[{"name":"online","user_ids":["7"]}]}""", string.Join(" ", flap));
        Close(sevenOnC);
        Assert.Equal("""{"events":[{"name":"offline","user_ids":["7"]}]}""", WatchlistData(watcher));

        // A watcher signing in later on another node sees who is online now.
        var eight = Connect(c, App);
        SigninWatching(eight, "8");
        Assert.Equal("""{"events":[{"name":"online","user_ids":["8"]}]}""", WatchlistData(watcher));
        // The initial view is what the watcher's node knows: wait until B has heard of 8 (the watcher on A already has).
        AwaitAssert(() => Assert.Contains(b.Ask<ChannelMembers>(b.Presence, new GetMembers(ClusterSets.OnlineOf(App.Id))).Members, m => m.UserId == "8"),
            ClusterTimeout, TimeSpan.FromMilliseconds(20));
        var late = Connect(b, App);
        SigninWatching(late, "2", "8", "7");
        Assert.Equal("""{"events":[{"name":"online","user_ids":["8"]},{"name":"offline","user_ids":["7"]}]}""", WatchlistData(late));
    }

    [Fact]
    public void A_crashed_node_takes_its_users_offline()
    {
        var nodes = StartCluster(3);
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        var watcher = Connect(a, App);
        SigninWatching(watcher, "1", "9");
        WatchlistData(watcher);
        SigninWatching(Connect(c, App), "9");
        Assert.Equal("""{"events":[{"name":"online","user_ids":["9"]}]}""", WatchlistData(watcher));

        c.Blackhole(a.Address);
        c.Blackhole(b.Address);

        Assert.Equal("""{"events":[{"name":"offline","user_ids":["9"]}]}""", WatchlistData(watcher));
    }
}
