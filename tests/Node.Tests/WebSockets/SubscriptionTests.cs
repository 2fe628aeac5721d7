namespace Broadcaster.Node.Tests.WebSockets;

/// <summary>PROTOCOL.md 2.1-2.5, 2.7, 2.9: public, private and encrypted subscriptions and their refusals.</summary>
public class SubscriptionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ApiClient Api => fixture.Server.Api();

    [Fact]
    public async Task Public_subscription_succeeds_with_data_empty_object_string()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendSubscribeAsync("sub-public");
        var frame = await client.ExpectAsync("pusher_internal:subscription_succeeded");
        Assert.Equal("sub-public", frame.Channel);
        Assert.Equal(JsonValueKind.String, frame.Data.ValueKind);
        Assert.Equal("{}", frame.DataString);
    }

    [Fact]
    public async Task Public_subscription_ignores_auth()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendSubscribeAsync("sub-public-auth", "garbage:auth");
        Assert.Equal("sub-public-auth", (await client.ExpectAsync("pusher_internal:subscription_succeeded")).Channel);
    }

    public static TheoryData<string> InvalidNames => new()
    {
        "bad:name",
        "private-foo:bar",
        new string('a', 201),
        "",
        "space name",
        "unicodé",
        "slash/name",
        "#not-server-to-user",
    };

    [Theory]
    [MemberData(nameof(InvalidNames))]
    public async Task Invalid_channel_names_get_InvalidChannel_400(string channel)
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendSubscribeAsync(channel);
        await client.ExpectSubscriptionErrorAsync(channel, "InvalidChannel", 400);
        await client.PingPongAsync();
    }

    [Theory]
    [InlineData("azAZ09_-=@,.;")]
    [InlineData("private-azAZ9_=@,.;")]
    public async Task Every_allowed_character_is_accepted(string channel)
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync(channel);
    }

    [Fact]
    public async Task Channel_name_of_exactly_200_characters_is_accepted()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync(new string('b', 200));
    }

    [Fact]
    public async Task Private_subscription_with_correct_auth_succeeds_and_receives_events()
    {
        await using var client = await fixture.Server.ConnectAsync();
        var frame = await client.SubscribeAsync("private-orders.42");
        Assert.Equal("{}", frame.DataString);
        await Api.TriggerOkAsync("private-orders.42", "order-shipped", """{"id":42}""");
        var e = await client.ExpectAsync("order-shipped");
        Assert.Equal("private-orders.42", e.Channel);
        Assert.Equal("""{"id":42}""", e.DataString);
    }

    [Fact]
    public async Task Private_encrypted_subscription_uses_the_private_formula()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("private-encrypted-chat.7");
        var encrypted = """{"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ciphertext":"Zm9vYmFy"}""";
        await Api.TriggerOkAsync("private-encrypted-chat.7", "secret", encrypted);
        Assert.Equal(encrypted, (await client.ExpectAsync("secret")).DataString);
    }

    public static TheoryData<string> BadAuths => new() { "wrong-signature", "wrong-key", "other-socket", "no-colon", "empty", "extra-char", "presence-formula" };

    private static string BadAuth(PusherClient client, string channel, string kind)
    {
        var good = client.Auth(channel);
        var hex = good[(good.IndexOf(':') + 1)..];
        return kind switch
        {
            "wrong-signature" => $"{client.App.Key}:{(hex[0] == '0' ? '1' : '0')}{hex[1..]}",
            "wrong-key" => $"other-key:{hex}",
            "other-socket" => client.Auth(channel, socketId: "1234.5678"),
            "no-colon" => hex,
            "empty" => "",
            "extra-char" => $"{client.App.Key}:{hex}0",
            "presence-formula" => client.Auth(channel, channelData: """{"user_id":"1"}"""),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Theory]
    [MemberData(nameof(BadAuths))]
    public async Task Private_subscription_with_bad_auth_gets_AuthError_401_and_stays_open(string kind)
    {
        await using var client = await fixture.Server.ConnectAsync();
        var channel = $"private-bad-{kind}";
        await client.SendSubscribeAsync(channel, BadAuth(client, channel, kind));
        await client.ExpectSubscriptionErrorAsync(channel, "AuthError", 401);
        await client.PingPongAsync();

        // The refused channel delivers nothing: the barrier on another channel comes first.
        await client.SubscribeAsync($"barrier-{kind}");
        await Api.TriggerOkAsync(channel, "leak", "x");
        await Api.TriggerOkAsync($"barrier-{kind}", "barrier", "b");
        Assert.Equal("barrier", (await client.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Private_encrypted_with_bad_auth_is_refused()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendSubscribeAsync("private-encrypted-x", client.Auth("private-encrypted-x", socketId: "1.1"));
        await client.ExpectSubscriptionErrorAsync("private-encrypted-x", "AuthError", 401);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Private_subscription_without_auth_is_refused()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"pusher:subscribe","data":{"channel":"private-no-auth"}}""");
        await client.ExpectSubscriptionErrorAsync("private-no-auth", "AuthError", 401);
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Repeated_public_subscribe_answers_again_and_delivers_once()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("sub-twice");
        await client.SubscribeAsync("sub-twice");
        await Api.TriggerOkAsync("sub-twice", "once", "1");
        await Api.TriggerOkAsync("sub-twice", "barrier", "2");
        Assert.Equal("once", (await client.ReceiveAsync()).Event);
        Assert.Equal("barrier", (await client.ReceiveAsync()).Event);
    }

    [Fact]
    public async Task Unsubscribe_gets_no_reply_and_stops_delivery()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("unsub-a");
        await client.SubscribeAsync("unsub-b");
        await client.SendAsync("""{"event":"pusher:unsubscribe","data":{"channel":"unsub-a"}}""");
        await client.PingPongAsync();
        await Api.TriggerOkAsync("unsub-a", "after-unsubscribe", "x");
        await Api.TriggerOkAsync("unsub-b", "barrier", "y");
        var frame = await client.ReceiveAsync();
        Assert.Equal("barrier", frame.Event);
        Assert.Equal("unsub-b", frame.Channel);
    }

    [Fact]
    public async Task Unsubscribe_from_a_channel_not_subscribed_is_a_no_op()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SendAsync("""{"event":"pusher:unsubscribe","data":{"channel":"never-subscribed"}}""");
        await client.SendAsync("""{"event":"pusher:unsubscribe","data":"{\"channel\":\"never-subscribed-2\"}"}""");
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Unsubscribe_with_data_as_json_string_works()
    {
        await using var client = await fixture.Server.ConnectAsync();
        await client.SubscribeAsync("unsub-str-a");
        await client.SubscribeAsync("unsub-str-b");
        await client.SendAsync("""{"event":"pusher:unsubscribe","data":"{\"channel\":\"unsub-str-a\"}"}""");
        await client.PingPongAsync();
        await Api.TriggerOkAsync("unsub-str-a", "after-unsubscribe", "x");
        await Api.TriggerOkAsync("unsub-str-b", "barrier", "y");
        Assert.Equal("barrier", (await client.ReceiveAsync()).Event);
    }
}
