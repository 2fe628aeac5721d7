namespace Broadcaster.Node.Tests.HttpApi;

/// <summary>PROTOCOL.md 5.3 and 6.8: terminate_connections and server-to-user events through the HTTP API.</summary>
public class HttpApiUsersTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Terminate_connections_closes_every_connection_of_the_user_with_4009_and_answers_an_empty_object()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        await using var other = await fixture.Server.ConnectAsync();
        await a.SigninAsync("""{"id":"term-1"}""");
        await b.SigninAsync("""{"id":"term-1"}""");
        await other.SigninAsync("""{"id":"term-2"}""");

        var response = await fixture.Server.Api().PostAsync("users/term-1/terminate_connections", "{}");
        response.AssertOk();
        Assert.Equal("{}", response.Body);

        foreach (var client in new[] { a, b })
        {
            var (frames, close) = await client.DrainUntilClosedAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(4009, close);
            var error = Assert.Single(frames, f => f.Event == "pusher:error");
            Assert.Equal(4009, error.Data.GetProperty("code").GetInt32());
        }
        await other.PingPongAsync();
    }

    [Fact]
    public async Task Terminate_needs_a_signature_and_a_sane_user_id()
    {
        var api = fixture.Server.Api();
        (await api.PostAsync("users/x/terminate_connections", "{}", new SignOptions { Secret = "wrong" })).AssertError(401);
        (await api.PostAsync($"users/{new string('u', 129)}/terminate_connections", "{}")).AssertError(400);
        (await api.GetAsync("users/x/terminate_connections")).AssertError(405);
    }

    [Fact]
    public async Task An_event_on_the_server_to_user_channel_reaches_each_of_the_users_connections()
    {
        await using var a = await fixture.Server.ConnectAsync();
        await using var b = await fixture.Server.ConnectAsync();
        foreach (var client in new[] { a, b })
        {
            await client.SigninAsync("""{"id":77}""");
            await client.SendJsonAsync(new { @event = "pusher:subscribe", data = new { channel = "#server-to-user-77", auth = "" } });
            await client.ExpectAsync("pusher_internal:subscription_succeeded");
        }
        await fixture.Server.Api().TriggerOkAsync("#server-to-user-77", "notice", "for 77");
        foreach (var client in new[] { a, b }) Assert.Equal("for 77", (await client.ExpectAsync("notice")).DataString);
    }
}
