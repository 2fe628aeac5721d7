namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>PROTOCOL.md 6.5-6.7: GET /channels, /channels/{name}, /channels/{name}/users.</summary>
public class HttpApiQueryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    [Fact]
    public async Task App_without_channels_lists_an_empty_object()
    {
        var response = await fixture.Server.Api(TestApps.Empty).GetAsync("channels");
        response.AssertOk();
        Assert.Equal("""{"channels":{}}""", response.Body);
    }

    [Fact]
    public async Task Channels_are_listed_and_filtered_by_prefix()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        await a.SubscribeAsync("list-orders");
        await a.SubscribeAsync("presence-list-1", """{"user_id":"1"}""");
        await b.SubscribeAsync("presence-list-1", """{"user_id":"2"}""");
        await b.SubscribeAsync("presence-list-2", """{"user_id":"2"}""");
        await a.ExpectAsync("pusher_internal:member_added");

        var all = await Api.GetAsync("channels");
        all.AssertOk();
        var names = all.Json.GetProperty("channels").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("list-orders", names);
        Assert.Contains("presence-list-1", names);
        Assert.All(all.Json.GetProperty("channels").EnumerateObject(), p => Assert.Equal(JsonValueKind.Object, p.Value.ValueKind));

        var presence = await Api.GetAsync("channels", [new("filter_by_prefix", "presence-list-"), new("info", "user_count")]);
        presence.AssertOk();
        var channels = presence.Json.GetProperty("channels");
        Assert.Equal(["presence-list-1", "presence-list-2"], channels.EnumerateObject().Select(p => p.Name).Order().ToArray());
        Assert.Equal(2, channels.GetProperty("presence-list-1").GetProperty("user_count").GetInt32());
        Assert.Equal(1, channels.GetProperty("presence-list-2").GetProperty("user_count").GetInt32());

        // Every entry carries its counts unasked.
        Assert.Equal(1, all.Json.GetProperty("channels").GetProperty("list-orders").GetProperty("subscription_count").GetInt32());
        Assert.Equal(2, all.Json.GetProperty("channels").GetProperty("presence-list-1").GetProperty("subscription_count").GetInt32());
        Assert.Equal(2, all.Json.GetProperty("channels").GetProperty("presence-list-1").GetProperty("user_count").GetInt32());
        Assert.False(all.Json.GetProperty("channels").GetProperty("list-orders").TryGetProperty("user_count", out _));

        var none = await Api.GetAsync("channels", "filter_by_prefix", "no-such-prefix-");
        none.AssertOk();
        Assert.Equal("""{"channels":{}}""", none.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("private-")]
    public async Task User_count_in_the_list_requires_a_presence_prefix(string? prefix)
    {
        var query = new List<KeyValuePair<string, string>> { new("info", "user_count") };
        if (prefix is not null) query.Add(new("filter_by_prefix", prefix));
        (await Api.GetAsync("channels", query)).AssertError(400);
    }

    [Fact]
    public async Task Unknown_channel_is_not_occupied()
    {
        var response = await Api.GetAsync("channels/never-used");
        response.AssertOk();
        Assert.Equal("""{"occupied":false,"subscription_count":0}""", response.Body);
    }

    [Fact]
    public async Task Channel_info_reports_occupied_and_counts()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        await a.SubscribeAsync("presence-info-1", """{"user_id":"1"}""");
        await b.SubscribeAsync("presence-info-1", """{"user_id":"1"}""");
        await b.SubscribeAsync("info-public-1");

        var presence = await Api.GetAsync("channels/presence-info-1", "info", "user_count,subscription_count");
        presence.AssertOk();
        Assert.True(presence.Json.GetProperty("occupied").GetBoolean());
        Assert.Equal(1, presence.Json.GetProperty("user_count").GetInt32());
        Assert.Equal(2, presence.Json.GetProperty("subscription_count").GetInt32());

        // The counts come whether or not info asks for them, as soketi sends them (subscription_count; user_count on presence).
        var plain = await Api.GetAsync("channels/info-public-1");
        plain.AssertOk();
        Assert.Equal("""{"occupied":true,"subscription_count":1}""", plain.Body);
        var presenceUnasked = await Api.GetAsync("channels/presence-info-1");
        Assert.Equal("""{"occupied":true,"user_count":1,"subscription_count":2}""", presenceUnasked.Body);

        var counted = await Api.GetAsync("channels/info-public-1", "info", "subscription_count");
        Assert.Equal(1, counted.Json.GetProperty("subscription_count").GetInt32());
    }

    [Fact]
    public async Task User_count_on_a_non_presence_channel_is_400()
    {
        (await Api.GetAsync("channels/info-public-2", "info", "user_count")).AssertError(400);
        (await Api.GetAsync("channels/private-x", "info", "user_count,subscription_count")).AssertError(400);
    }

    [Theory]
    [InlineData("bad%3Aname")]
    [InlineData("bad%20name")]
    public async Task Invalid_channel_name_in_the_path_is_400(string encoded)
    {
        (await Api.GetAsync($"channels/{encoded}")).AssertError(400);
    }

    [Theory]
    [InlineData("public-users")]
    [InlineData("private-users")]
    public async Task Users_of_a_non_presence_channel_is_400(string channel)
    {
        (await Api.GetAsync($"channels/{channel}/users")).AssertError(400);
    }

    [Fact]
    public async Task Users_of_an_empty_presence_channel_is_an_empty_array()
    {
        var response = await Api.GetAsync("channels/presence-nobody/users");
        response.AssertOk();
        Assert.Equal("""{"users":[]}""", response.Body);
    }

    [Fact]
    public async Task Users_are_listed_once_each_with_string_ids()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        await using var c = await fixture.Server.ConnectAsync();
        await a.SubscribeAsync("presence-users", """{"user_id":10}""");
        await b.SubscribeAsync("presence-users", """{"user_id":"10"}""");
        await c.SubscribeAsync("presence-users", """{"user_id":"abc","user_info":{"x":1}}""");
        var response = await Api.GetAsync("channels/presence-users/users");
        response.AssertOk();
        var users = response.Json.GetProperty("users").EnumerateArray().ToList();
        Assert.All(users, u => Assert.Equal(JsonValueKind.String, u.GetProperty("id").ValueKind));
        Assert.All(users, u => Assert.False(u.TryGetProperty("user_info", out _)));
        Assert.Equal(["10", "abc"], users.Select(u => u.GetProperty("id").GetString()!).Order().ToArray());
    }
}
