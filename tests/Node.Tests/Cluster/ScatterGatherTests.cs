using System.Diagnostics;
using System.Text.Json.Nodes;
using Akka.Actor;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.HttpApi;

namespace Broadcaster.Node.Tests.Cluster;

/// <summary>
/// The cluster-wide counts of the HTTP API and the status command (src/Node/Cluster/ScatterGather.cs) on three real
/// nodes, through the signed HTTP API and real sockets: sums exact on every node while every node answers, and a node
/// that does not answer named and left out, with the answer still coming within <c>query-timeout</c>.
/// </summary>
public sealed class ScatterGatherTests(ScatterGatherFixture cluster) : IClassFixture<ScatterGatherFixture>
{
    /// <summary>Long enough for a node slow under load to catch up, and for presence to reach every replica.</summary>
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An answer that leaves a node out waits for that node's query-timeout and no longer; the margin is for a busy
    /// machine, and the bound stays below the default timeout of 3 s, so it also shows the configured one is used.
    /// </summary>
    private static readonly TimeSpan AnswerBound = ScatterGatherFixture.QueryTimeout + TimeSpan.FromSeconds(1.5);

    private IReadOnlyList<BroadcasterServer> Nodes => cluster.Nodes;

    [Fact]
    public async Task Users_and_user_counts_read_a_join_and_a_leave_on_another_node_at_once()
    {
        // No waiting for presence to spread: every node answers for its own members, so the query that follows the
        // client's reply (or its unsubscribe, once the node has taken it) sees it, on any node.
        const string room = "presence-scatter-ryw";
        for (var round = 0; round < 5; round++)
        {
            var joiner = Nodes[round % 3];
            var asked = Nodes[(round + 1) % 3];
            await using var client = await joiner.ConnectAsync();
            await client.SubscribeAsync(room, $$"""{"user_id":"ryw-{{round}}"}""");
            var users = await asked.Api().GetAsync($"channels/{room}/users");
            users.AssertOk();
            Assert.Equal($$"""{"users":[{"id":"ryw-{{round}}"}]}""", users.Body);
            var info = await asked.Api().GetAsync($"channels/{room}", "info", "user_count");
            Assert.Equal(1, info.Json.GetProperty("user_count").GetInt32());

            await client.SendJsonAsync(new { @event = "pusher:unsubscribe", data = new { channel = room } });
            await client.PingPongAsync();
            // The ping was answered after the unsubscribe was handed on; the channel actor may still be on it.
            await Eventually.WaitAsync(async () => (await asked.Api().GetAsync($"channels/{room}/users")).Body == """{"users":[]}""",
                TimeSpan.FromSeconds(1), "the member gone on the asked node within a second");
        }
    }

    [Fact]
    public async Task Counts_are_exact_on_every_node_whichever_nodes_the_sockets_are_on()
    {
        const string pub = "scatter-public";
        const string presence = "presence-scatter";
        await using var alice0 = await Nodes[0].ConnectAsync();
        await using var alice1 = await Nodes[1].ConnectAsync();
        await using var bob1 = await Nodes[1].ConnectAsync();
        await using var carol2 = await Nodes[2].ConnectAsync();
        await using var watcher2 = await Nodes[2].ConnectAsync();
        foreach (var client in new[] { alice0, alice1, carol2, watcher2 }) await client.SubscribeAsync(pub);
        // alice on two nodes: two subscriptions, one user.
        await alice0.SubscribeAsync(presence, User("alice"));
        await alice1.SubscribeAsync(presence, User("alice"));
        await bob1.SubscribeAsync(presence, User("bob"));
        await carol2.SubscribeAsync(presence, User("carol"));

        foreach (var node in Nodes)
        {
            var api = node.Api();
            var on = $"asked on {ClusterFixture.AddressOf(node)}";
            // Presence members reach the other nodes' replicas asynchronously: the first answer also waits for that.
            await AnswersAsync($"GET /channels/{presence} {on}",
                () => api.GetAsync($"channels/{presence}", "info", "subscription_count,user_count"),
                """{"occupied":true,"user_count":3,"subscription_count":4}""");
            await AnswersAsync($"GET /channels/{pub} {on}",
                () => api.GetAsync($"channels/{pub}", "info", "subscription_count"),
                """{"occupied":true,"subscription_count":4}""");
            await AnswersAsync($"GET /channels of presence- {on}",
                () => api.GetAsync("channels", [new("filter_by_prefix", "presence-"), new("info", "user_count")]),
                Json(new { channels = new Dictionary<string, object> { [presence] = new { user_count = 3, subscription_count = 4 } } }));
            await AnswersAsync($"POST /events with info {on}",
                () => api.TriggerAsync(new { name = "counted", channels = new[] { pub, presence }, data = "{}", info = "subscription_count,user_count" }),
                Json(new
                {
                    channels = new Dictionary<string, object>
                    {
                        [pub] = new { subscription_count = 4 },
                        [presence] = new { user_count = 3, subscription_count = 4 },
                    },
                }));
            await AnswersAsync($"POST /batch_events with info {on}",
                () => api.PostJsonAsync("batch_events", new
                {
                    batch = new object[]
                    {
                        new { channel = pub, name = "counted", data = "{}", info = "subscription_count" },
                        new { channel = presence, name = "counted", data = "{}", info = "subscription_count,user_count" },
                        new { channel = "scatter-unoccupied", name = "counted", data = "{}", info = "subscription_count" },
                        new { channel = pub, name = "uncounted", data = "{}" },
                    },
                }),
                """{"batch":[{"subscription_count":4},{"user_count":3,"subscription_count":4},{"subscription_count":0},{}]}""");
        }
    }

    [Fact]
    public async Task A_node_whose_channels_do_not_answer_is_named_and_left_out_within_the_query_timeout()
    {
        const string channel = "scatter-silent";
        var silent = Nodes[2];
        await using var on0 = await Nodes[0].ConnectAsync();
        await using var on1 = await Nodes[1].ConnectAsync();
        await using var on2 = await silent.ConnectAsync();
        await using var alsoOn2 = await silent.ConnectAsync();
        foreach (var client in new[] { on0, on1, on2, alsoOn2 }) await client.SubscribeAsync(channel);
        var count = Timed(() => Nodes[0].Api().GetAsync($"channels/{channel}", "info", "subscription_count"));
        await AnswersAsync("all four sockets counted", count, """{"occupied":true,"subscription_count":4}""");

        var silentAddress = ClusterFixture.AddressOf(silent);
        await WhileSuspendedAsync(silent.Actors.Channels, async () =>
        {
            // Exactly the silent node: another node busy for longer than the timeout would rightly be named too.
            var answer = await UntilAsync($"an answer naming only {silentAddress}", count,
                r => r.Status == 200 && MissingNodes(r).SequenceEqual([silentAddress]));
            Assert.True(SameJson(answer.Body, """{"occupied":true,"subscription_count":2}"""), $"The silent node's sockets were counted: {answer.Body}");
        });

        await AnswersAsync("all four sockets counted again once the node answers", count, """{"occupied":true,"subscription_count":4}""");
    }

    [Fact]
    public async Task Status_lists_every_node_with_figures_and_one_that_does_not_answer_without()
    {
        await using var on0 = await Nodes[0].ConnectAsync();
        await using var on1 = await Nodes[1].ConnectAsync();
        await using var on2 = await Nodes[2].ConnectAsync();
        foreach (var client in new[] { on0, on1, on2 }) await client.SubscribeAsync("scatter-status");
        var addresses = Nodes.Select(ClusterFixture.AddressOf).Order(StringComparer.Ordinal).ToList();
        var status = Timed(() => AdminRequest.StatusAsync(Nodes[0].Port, Broadcaster.Node.Admin.AdminCredentials.AdminKey, ScatterGatherFixture.AdminSecret));

        // Sockets of the other tests may still be closing: wait for exactly this test's one socket per node.
        var complete = await UntilAsync("every node with its figures", status,
            r => r.Status == 200 && Listed(r).SequenceEqual(addresses) && Missing(r).Count == 0 && addresses.All(a => HasOwnFigures(NodeOf(r, a))));
        foreach (var address in addresses)
        {
            var node = NodeOf(complete, address);
            Assert.Equal("Up", node.GetProperty("status").GetString());
            Assert.True(node.GetProperty("reachable").GetBoolean());
        }

        var silent = ClusterFixture.AddressOf(Nodes[1]);
        await WhileSuspendedAsync(Nodes[1].Actors.Refs.Status, async () =>
        {
            var partial = await UntilAsync($"a status naming only {silent} as missing", status,
                r => r.Status == 200 && Missing(r).SequenceEqual([silent]));
            Assert.Equal(addresses, Listed(partial));
            var node = NodeOf(partial, silent);
            foreach (var figure in new[] { "ready", "connections", "channels", "subscriptions", "presenceMembers" })
                Assert.True(node.GetProperty(figure).ValueKind == JsonValueKind.Null, $"{figure} of the silent node: {partial.Body}");
            // Still a member, Up and reachable: only its answer is missing.
            Assert.Equal("Up", node.GetProperty("status").GetString());
            Assert.True(node.GetProperty("reachable").GetBoolean());
            Assert.All(addresses.Where(a => a != silent), a => Assert.True(HasOwnFigures(NodeOf(partial, a)), partial.Body));
        });

        await UntilAsync("every node with its figures again", status,
            r => r.Status == 200 && Missing(r).Count == 0 && addresses.All(a => HasOwnFigures(NodeOf(r, a))));
    }

    private static string User(string id) => Json(new { user_id = id });

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static IReadOnlyList<string> MissingNodes(ApiResponse response) =>
        response.Headers.TryGetValue(ApiAnswer.MissingNodesHeader, out var nodes)
            ? nodes.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];

    private static bool SameJson(string actual, string expected) => JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected));

    private static List<string> Listed(ApiResponse status) =>
        status.Json.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("address").GetString()!).ToList();

    private static List<string> Missing(ApiResponse status) =>
        status.Json.GetProperty("missing").EnumerateArray().Select(n => n.GetString()!).ToList();

    private static JsonElement NodeOf(ApiResponse status, string address) =>
        status.Json.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("address").GetString() == address);

    /// <summary>The node's own report: ready, this test's one socket on one channel, no presence member.</summary>
    private static bool HasOwnFigures(JsonElement node) =>
        node.GetProperty("ready").ValueKind == JsonValueKind.True && Figure(node, "connections") == 1 && Figure(node, "channels") == 1 &&
        Figure(node, "subscriptions") == 1 && Figure(node, "presenceMembers") == 0;

    private static int? Figure(JsonElement node, string name) =>
        node.GetProperty(name) is { ValueKind: JsonValueKind.Number } figure ? figure.GetInt32() : null;

    /// <summary>Fails at once when an answer takes longer than <see cref="AnswerBound"/>, whatever it says.</summary>
    private static Func<Task<ApiResponse>> Timed(Func<Task<ApiResponse>> call) => async () =>
    {
        var watch = Stopwatch.StartNew();
        var response = await call();
        Assert.True(watch.Elapsed < AnswerBound, $"The answer took {watch.Elapsed.TotalMilliseconds:0} ms (bound {AnswerBound.TotalMilliseconds:0} ms): {response.Body}");
        return response;
    };

    /// <summary>The answer is <paramref name="expected"/> (compared as JSON) and no node is left out.</summary>
    private static Task AnswersAsync(string what, Func<Task<ApiResponse>> call, string expected) =>
        UntilAsync($"{what}: {expected} with every node answering", call,
            r => r.Status == 200 && r.ContentType == "application/json" && MissingNodes(r).Count == 0 && SameJson(r.Body, expected));

    /// <summary>
    /// Asks until <paramref name="done"/> holds and returns that answer: a node busy for longer than the timeout is
    /// rightly left out of one answer, so one incomplete answer proves nothing. Fails showing the last answer.
    /// </summary>
    private static async Task<ApiResponse> UntilAsync(string what, Func<Task<ApiResponse>> call, Func<ApiResponse, bool> done)
    {
        ApiResponse? last = null;
        try
        {
            await Eventually.WaitAsync(async () => done(last = await call()), Convergence, what);
        }
        catch (TimeoutException e)
        {
            var missing = last is null ? [] : MissingNodes(last);
            Assert.Fail($"{e.Message}; last answer: {last?.Status} {last?.Body} (missing nodes: [{string.Join(", ", missing)}])");
        }
        return last!;
    }

    /// <summary>
    /// Suspends <paramref name="actor"/> while <paramref name="body"/> runs: messages wait in its mailbox unanswered, as
    /// on a node too busy to answer, and it answers them once resumed.
    /// </summary>
    private static async Task WhileSuspendedAsync(IActorRef actor, Func<Task> body)
    {
        var suspended = (IInternalActorRef)actor;
        suspended.Suspend();
        try
        {
            await body();
        }
        finally
        {
            suspended.Resume(null);
        }
    }
}
