using System.Text.RegularExpressions;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Protocol.Signing;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Hosting;

/// <summary>
/// One log for the node and its actor system (Akka's events bridged under "Akka.*"), --debug lines for every
/// connection, subscription, client event and API event, and never a secret or a signature in any of it.
/// </summary>
public sealed partial class LoggingTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(5);

    /// <summary>The node's own logging setup as in production (Microsoft.* at Warning), everything else at Trace, captured.</summary>
    private static Task<BroadcasterServer> StartAsync(BroadcasterOptions options, CapturingLoggerProvider capture) =>
        BroadcasterServer.StartAsync(options, logging: b =>
        {
            b.AddProvider(capture);
            b.AddFilter("Microsoft", LogLevel.Warning);
            b.SetMinimumLevel(LogLevel.Trace);
        });

    [Fact]
    public async Task Akka_log_events_arrive_under_akka_categories_and_no_debug_lines_without_debug()
    {
        var capture = new CapturingLoggerProvider();
        await using var server = await StartAsync(TestServers.DefaultOptions() with { AkkaLogLevel = LogLevel.Debug }, capture);
        var akka = await capture.WaitForAsync(e => e.Category.StartsWith("Akka.", StringComparison.Ordinal), Within, "an Akka log event");
        Assert.NotEmpty(akka.Message);

        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("quiet");
        await server.Api().TriggerOkAsync("quiet", "e", "{}");
        await client.ExpectAsync("e");
        Assert.DoesNotContain(capture.Entries, e => e.Category == "Broadcaster.Debug");
        Assert.DoesNotContain(capture.Entries, e => e.Message.Contains("api event"));
    }

    [Fact]
    public async Task Debug_logs_connections_subscriptions_client_events_and_api_events()
    {
        var capture = new CapturingLoggerProvider();
        await using var server = await StartAsync(TestServers.DefaultOptions() with { Debug = true }, capture);
        var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        await a.SubscribeAsync("private-debug");
        await b.SubscribeAsync("private-debug");
        await a.SendAsync("""{"event":"client-typing","channel":"private-debug","data":{}}""");
        await b.ExpectAsync("client-typing");
        await server.Api().TriggerOkAsync("private-debug", "api-news", "{}");
        await b.ExpectAsync("api-news");
        await a.DisposeAsync();

        bool Debug(CapturingLoggerProvider.Entry e, string text) =>
            e.Category == "Broadcaster.Debug" && e.Message.Contains(text, StringComparison.Ordinal);
        await capture.WaitForAsync(e => Debug(e, $"[app-id] {a.SocketId} connected to app app-id"), Within, "the connection line");
        await capture.WaitForAsync(e => Debug(e, $"[app-id] {a.SocketId} subscribed to private-debug"), Within, "the subscription line");
        await capture.WaitForAsync(e => Debug(e, $"[app-id] {a.SocketId} client event client-typing on private-debug"), Within, "the client event line");
        await capture.WaitForAsync(e => Debug(e, $"[app-id] {a.SocketId} disconnected"), Within, "the disconnection line");
        var api = await capture.WaitForAsync(e => e.Message.Contains("[app-id] api event api-news on private-debug"), Within, "the API event line");
        Assert.StartsWith("Broadcaster.", api.Category);
        Assert.Contains("HttpApi", api.Category);
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Hex64();

    [Fact]
    public async Task No_log_line_carries_a_secret_or_a_signature()
    {
        var capture = new CapturingLoggerProvider();
        var options = TestServers.DefaultOptions() with { Debug = true, AkkaLogLevel = LogLevel.Debug, AdminSecret = "admin-secret-never-logged" };
        await using var server = await StartAsync(options, capture);
        var app = TestApps.Main;
        var signatures = new List<string>();
        string Signature(string auth)
        {
            var hex = auth[(auth.IndexOf(':') + 1)..];
            signatures.Add(hex);
            return auth;
        }

        await using var a = await server.ConnectAsync();
        await using var b = await server.ConnectAsync();
        // Private and presence subscriptions, one of them refused for a bad signature.
        await a.SendSubscribeAsync("private-secret", Signature(a.Auth("private-secret")));
        await a.ExpectAsync("pusher_internal:subscription_succeeded");
        var member = JsonSerializer.Serialize(new { user_id = "42", user_info = new { name = "Ann" } });
        await a.SendSubscribeAsync("presence-secret", Signature(a.Auth("presence-secret", member)), member);
        await a.ExpectAsync("pusher_internal:subscription_succeeded");
        var wrong = $"{app.Key}:{PusherSignature.Sign("wrong-secret", PusherSignature.ChannelStringToSign(b.SocketId, "private-secret", null))}";
        Signature(b.Auth("private-secret")); // the signature the server computes to compare with
        await b.SendSubscribeAsync("private-secret", Signature(wrong));
        await b.ExpectSubscriptionErrorAsync("private-secret", "AuthError", 401);

        // Sign-in, then a presence subscription as the signed-in user.
        var userData = JsonSerializer.Serialize(new { id = "99", user_info = new { name = "Bob" } });
        var signin = Signature($"{app.Key}:{PusherSignature.Sign(app.Secret, PusherSignature.UserStringToSign(b.SocketId, userData))}");
        await b.SendJsonAsync(new { @event = "pusher:signin", data = new { auth = signin, user_data = userData } });
        await b.ExpectAsync("pusher:signin_success");
        await b.SendSubscribeAsync("presence-secret", Signature(b.Auth("presence-secret")));
        await b.ExpectAsync("pusher_internal:subscription_succeeded");
        await a.ExpectAsync("pusher_internal:member_added");
        await a.SendAsync("""{"event":"client-whisper","channel":"presence-secret","data":{"t":1}}""");
        await b.ExpectAsync("client-whisper");

        // Signed API calls (good and bad), and admin calls signed with the app (refused: an admin secret is set) and with the admin secret.
        var api = server.Api();
        var targets = new List<string>
        {
            api.SignedTarget("POST", "events", JsonSerializer.Serialize(new { name = "n", channel = "presence-secret", data = "{}" })),
            api.SignedTarget("GET", "channels", ""),
            api.SignedTarget("GET", "channels/presence-secret/users", ""),
            api.SignedTarget("GET", "channels", "", null, new SignOptions { Secret = "wrong-secret" }),
        };
        await api.TriggerOkAsync("presence-secret", "n", "{}");
        (await api.GetAsync("channels")).AssertOk();
        (await api.GetAsync("channels/presence-secret/users")).AssertOk();
        (await api.GetAsync("channels", options: new SignOptions { Secret = "wrong-secret" })).AssertError(401);
        foreach (var target in targets) signatures.Add(target[(target.IndexOf("auth_signature=", StringComparison.Ordinal) + 15)..]);
        (await AdminRequest.StatusAsync(server.Port, app.Key, app.Secret)).AssertError(401);
        (await AdminRequest.StatusAsync(server.Port, "admin", options.AdminSecret)).AssertOk();
        (await AdminRequest.StatusAsync(server.Port, "admin", "wrong")).AssertError(401);
        await b.CloseAsync();
        await a.ExpectAsync("n");
        await a.ExpectAsync("pusher_internal:member_removed");
        await a.CloseAsync();
        await capture.WaitForAsync(e => e.Category == "Broadcaster.Debug" && e.Message.Contains($"{a.SocketId} disconnected"), Within, "the last disconnection");

        var entries = capture.Entries;
        Assert.Contains(entries, e => e.Category.StartsWith("Akka.", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains("subscribed to presence-secret as user 42"));
        string[] secrets = [.. TestApps.All.Select(x => x.Secret), options.AdminSecret, "wrong-secret"];
        foreach (var entry in entries)
        {
            foreach (var secret in secrets) Assert.False(entry.All.Contains(secret, StringComparison.Ordinal), $"Secret '{secret}' logged: {entry}");
            foreach (var signature in signatures) Assert.False(entry.All.Contains(signature, StringComparison.OrdinalIgnoreCase), $"Signature logged: {entry}");
            Assert.DoesNotContain("auth_signature", entry.All, StringComparison.OrdinalIgnoreCase);
            Assert.False(Hex64().IsMatch(entry.All), $"Something like a signature logged: {entry}");
        }
    }
}
