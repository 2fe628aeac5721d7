using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>
/// App isolation on a three-node cluster: one app's credentials never subscribe to, trigger on, read or terminate
/// anything of another app, on any node, and the same channel name in two apps is two channels.
/// </summary>
public sealed class AppIsolationTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private static readonly PusherApp Mine = TestApps.Main;
    private static readonly PusherApp Other = TestApps.NoClientEvents;
    private static readonly SignOptions AsOther = new() { AuthKey = Other.Key, Secret = Other.Secret };

    private BroadcasterServer Node(int i) => cluster.Nodes[i];

    private static async Task<List<string>> EventsUntilAsync(PusherClient client, string last)
    {
        var events = new List<string>();
        do events.Add((await client.ReceiveAsync()).Event);
        while (events[^1] != last);
        return events;
    }

    [Fact]
    public async Task Another_apps_credentials_cannot_trigger_read_or_terminate_on_any_node()
    {
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            var mine = new ApiClient(Node(i).Port, Mine);
            (await mine.PostJsonAsync("events", new { name = "e", channels = new[] { "news" }, data = "x" }, AsOther)).AssertError(401);
            (await mine.PostJsonAsync("batch_events", new { batch = new[] { new { name = "e", channel = "news", data = "x" } } }, AsOther)).AssertError(401);
            (await mine.GetAsync("channels", options: AsOther)).AssertError(401);
            (await mine.GetAsync("channels/presence-room", options: AsOther)).AssertError(401);
            (await mine.GetAsync("channels/presence-room/users", options: AsOther)).AssertError(401);
            (await mine.PostJsonAsync("users/1/terminate_connections", new { }, AsOther)).AssertError(401);
        }
    }

    [Fact]
    public async Task The_same_channel_name_in_two_apps_is_two_channels_across_nodes()
    {
        await using var mineOnA = await PusherClient.ConnectAsync(Node(0).Port, Mine);
        await using var otherOnB = await PusherClient.ConnectAsync(Node(1).Port, Other);
        await mineOnA.SubscribeAsync("presence-shared", """{"user_id":"mine-1"}""");
        await otherOnB.SubscribeAsync("presence-shared", """{"user_id":"other-1"}""");

        await new ApiClient(Node(2).Port, Other).TriggerOkAsync("presence-shared", "for-other", "{}");
        await new ApiClient(Node(2).Port, Mine).TriggerOkAsync("presence-shared", "for-mine", "{}");
        await new ApiClient(Node(2).Port, Other).TriggerOkAsync("presence-shared", "other-marker", "{}");
        // Events of one node reach a connection in the order it accepted them: all before the marker, none of the other app's.
        Assert.DoesNotContain("for-other", await EventsUntilAsync(mineOnA, "for-mine"));
        Assert.DoesNotContain("for-mine", await EventsUntilAsync(otherOnB, "other-marker"));

        var users = await new ApiClient(Node(2).Port, Mine).GetAsync("channels/presence-shared/users");
        users.AssertOk();
        Assert.Equal(["mine-1"], users.Json.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("id").GetString()));
        var channels = await new ApiClient(Node(1).Port, Other).GetAsync("channels");
        channels.AssertOk();
        Assert.Equal(["presence-shared"], channels.Json.GetProperty("channels").EnumerateObject().Select(c => c.Name));
        var mineChannels = await new ApiClient(Node(0).Port, Mine).GetAsync("channels", "filter_by_prefix", "presence-shared");
        Assert.Equal(1, mineChannels.Json.GetProperty("channels").GetProperty("presence-shared").GetProperty("subscription_count").GetInt32());
    }

    [Fact]
    public async Task A_private_channel_signed_with_another_apps_secret_is_refused()
    {
        await using var client = await PusherClient.ConnectAsync(Node(1).Port, Mine);
        var toSign = PusherSignature.ChannelStringToSign(client.SocketId, "private-mine", null);
        await client.SendSubscribeAsync("private-mine", $"{Other.Key}:{PusherSignature.Sign(Other.Secret, toSign)}");
        await client.ExpectSubscriptionErrorAsync("private-mine", "AuthError", 401);
        await client.SendSubscribeAsync("private-mine", $"{Mine.Key}:{PusherSignature.Sign(Other.Secret, toSign)}");
        await client.ExpectSubscriptionErrorAsync("private-mine", "AuthError", 401);
    }

    [Fact]
    public async Task Terminating_a_user_in_one_app_leaves_the_same_user_id_of_another_app_connected()
    {
        await using var mine = await PusherClient.ConnectAsync(Node(2).Port, Mine);
        await mine.SigninAsync("""{"id":"shared-user"}""");
        await using var other = await PusherClient.ConnectAsync(Node(0).Port, Other);
        await other.SigninAsync("""{"id":"shared-user"}""");

        (await new ApiClient(Node(1).Port, Other).PostJsonAsync("users/shared-user/terminate_connections", new { })).AssertOk();
        Assert.Equal(4009, await other.ExpectErrorAsync());
        Assert.Equal(4009, await other.ExpectCloseAsync());
        await mine.PingPongAsync();
    }
}
