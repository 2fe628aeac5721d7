namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>PROTOCOL.md 3, 6.3, 6.4: publishing through POST /events and /batch_events.</summary>
public class HttpApiTriggerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    public static TheoryData<string> DataStrings => new()
    {
        """{"id":42,"status":"shipped"}""",
        "hello",
        "",
        "unicode: Zoë, 日本語, ключ",
        "separators:\u2028and\u2029",
        "emoji: 😀🎉 astral 𝄞",
        """escapes kept as text: \u00e9 \/ \" \\ \n""",
        "{\"html\":\"<script>&amp;</script>\",\"plus\":\"+\"}",
        "control\tchars\r\nand\u0001",
        """{"nested":"{\"inner\":true}"}""",
    };

    [Theory]
    [MemberData(nameof(DataStrings))]
    public async Task Subscribers_get_the_data_string_exactly_as_sent(string data)
    {
        var channel = "data-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync(channel);
        var response = await Api.TriggerAsync(new { name = @"App\Events\OrderShipped", channels = new[] { channel }, data });
        response.AssertOk();
        Assert.Equal("{}", response.Body);
        var frame = await client.ReceiveAsync();
        Assert.Equal(@"App\Events\OrderShipped", frame.Event);
        Assert.Equal(channel, frame.Channel);
        Assert.Equal(data, frame.DataString);
    }

    [Fact]
    public async Task Single_channel_field_is_accepted()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("single-channel");
        (await Api.TriggerAsync(new { name = "one", channel = "single-channel", data = "1" })).AssertOk();
        Assert.Equal("one", (await client.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Several_channels_give_one_frame_per_channel()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("multi-a");
        await client.SubscribeAsync("multi-b");
        (await Api.TriggerAsync(new { name = "multi", channels = new[] { "multi-a", "multi-b", "multi-nobody" }, data = "x" })).AssertOk();
        var channels = new[] { (await client.ExpectAsync("multi")).Channel!, (await client.ExpectAsync("multi")).Channel! };
        Assert.Equal(["multi-a", "multi-b"], channels.Order().ToArray());
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Socket_id_is_excluded_on_every_channel()
    {
        await using var excluded = await fixture.Server.ConnectAsync();
        await using var other = await fixture.Server.ConnectAsync();
        foreach (var c in new[] { excluded, other })
        {
            await c.SubscribeAsync("exclude-a");
            await c.SubscribeAsync("exclude-b");
        }
        (await Api.TriggerAsync(new { name = "not-for-you", channels = new[] { "exclude-a", "exclude-b" }, data = "x", socket_id = excluded.SocketId })).AssertOk();
        Assert.Equal("not-for-you", (await other.ReceiveAsync()).Event);
        Assert.Equal("not-for-you", (await other.ReceiveAsync()).Event);
        await Api.TriggerOkAsync("exclude-a", "barrier", "b");
        Assert.Equal("barrier", (await excluded.ReceiveAsync()).Event);
        Assert.Equal("barrier", (await other.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Unknown_but_well_formed_socket_id_is_not_an_error()
    {
        (await Api.TriggerAsync(new { name = "x", channels = new[] { "nobody" }, data = "x", socket_id = "1.1" })).AssertOk();
    }

    [Fact]
    public async Task Info_returns_counts_for_every_channel_of_the_request()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        await a.SubscribeAsync("presence-info", """{"user_id":"1"}""");
        await b.SubscribeAsync("presence-info", """{"user_id":"1"}""");
        await a.SubscribeAsync("info-public");
        var response = await Api.TriggerAsync(new
        {
            name = "counted",
            channels = new[] { "presence-info", "info-public", "info-empty" },
            data = "x",
            info = "subscription_count,user_count",
        });
        response.AssertOk();
        var channels = response.Json.GetProperty("channels");
        Assert.Equal(1, channels.GetProperty("presence-info").GetProperty("user_count").GetInt32());
        Assert.Equal(2, channels.GetProperty("presence-info").GetProperty("subscription_count").GetInt32());
        Assert.Equal(1, channels.GetProperty("info-public").GetProperty("subscription_count").GetInt32());
        Assert.False(channels.GetProperty("info-public").TryGetProperty("user_count", out _));
        Assert.Equal(0, channels.GetProperty("info-empty").GetProperty("subscription_count").GetInt32());
    }

    [Fact]
    public async Task Batch_is_delivered_in_order()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("batch-order");
        await client.SubscribeAsync("batch-order-2");
        var batch = Enumerable.Range(0, 10).Select(i => new { channel = i % 3 == 2 ? "batch-order-2" : "batch-order", name = $"e{i}", data = $"{i}" }).ToArray();
        var response = await Api.PostJsonAsync("batch_events", new { batch });
        response.AssertOk();
        Assert.Equal("{}", response.Body);
        for (var i = 0; i < 10; i++)
        {
            var frame = await client.ReceiveAsync();
            Assert.Equal($"e{i}", frame.Event);
            Assert.Equal(batch[i].channel, frame.Channel);
            Assert.Equal($"{i}", frame.DataString);
        }
    }

    [Fact]
    public async Task Batches_and_single_triggers_alternating_over_three_channels_reach_one_connection_in_request_order()
    {
        string[] channels = ["order-a", "order-b", "order-c"];
        await using var client = await fixture.Server.ConnectAsync();
        foreach (var channel in channels) await client.SubscribeAsync(channel);
        var expected = new List<(string Channel, string Data)>();
        var n = 0;
        for (var round = 0; round < 12; round++)
        {
            if (round % 2 == 0)
            {
                var batch = (round % 4 == 0 ? channels : channels.Reverse()).Select(c => new { channel = c, name = "ordered", data = $"{n++}" }).ToArray();
                (await Api.PostJsonAsync("batch_events", new { batch })).AssertOk();
                expected.AddRange(batch.Select(b => (b.channel, b.data)));
            }
            else
            {
                var channel = channels[round % 3];
                (await Api.TriggerAsync(new { name = "ordered", channel, data = $"{n++}" })).AssertOk();
                expected.Add((channel, $"{n - 1}"));
            }
        }

        var received = new List<(string, string)>();
        foreach (var _ in expected)
        {
            var frame = await client.ExpectAsync("ordered");
            received.Add((frame.Channel!, frame.DataString!));
        }
        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task Batch_with_info_answers_one_object_per_item()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("presence-batch-info", """{"user_id":"9"}""");
        var response = await Api.PostAsync("batch_events",
            """{"batch":[{"channel":"batch-info-none","name":"a","data":"1"},{"channel":"presence-batch-info","name":"b","data":"2","info":"user_count,subscription_count"}]}""");
        response.AssertOk();
        var items = response.Json.GetProperty("batch");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Empty(items[0].EnumerateObject());
        Assert.Equal(1, items[1].GetProperty("user_count").GetInt32());
        Assert.Equal(1, items[1].GetProperty("subscription_count").GetInt32());
    }

    [Fact]
    public async Task Batch_over_10_items_is_400()
    {
        var batch = Enumerable.Range(0, 11).Select(i => new { channel = "batch-big", name = "e", data = "x" }).ToArray();
        (await Api.PostJsonAsync("batch_events", new { batch })).AssertError(400);
    }

    [Theory]
    [InlineData("""{"channel":"bad:name","name":"e","data":"x"}""", 400)]
    [InlineData("""{"channel":"batch-atomic","name":"e","data":{"object":true}}""", 400)]
    [InlineData("""{"channel":"batch-atomic","data":"x"}""", 400)]
    [InlineData("""{"channel":"batch-atomic","name":"e","data":"x","socket_id":"nope"}""", 400)]
    public async Task Batch_with_an_invalid_item_publishes_nothing(string badItem, int status)
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("batch-atomic");
        var body = $$"""{"batch":[{"channel":"batch-atomic","name":"first","data":"1"},{{badItem}},{"channel":"batch-atomic","name":"third","data":"3"}]}""";
        (await Api.PostAsync("batch_events", body)).AssertError(status);
        await Api.TriggerOkAsync("batch-atomic", "barrier", "b");
        Assert.Equal("barrier", (await client.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Consecutive_requests_arrive_in_order()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("sequence");
        for (var i = 0; i < 20; i++) await Api.TriggerOkAsync("sequence", "seq", i.ToString());
        for (var i = 0; i < 20; i++) Assert.Equal(i.ToString(), (await client.ExpectAsync("seq")).DataString);
    }
}
