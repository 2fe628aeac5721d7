using System.Net;
using Broadcaster.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Dashboard;

/// <summary>What the dashboard leaves in the log: failed sign-ins by address, and never a password, a guess, a session or a secret.</summary>
public sealed class DashboardLoggingTests
{
    [Fact]
    public async Task No_log_line_carries_the_password_a_guess_a_session_or_an_app_secret()
    {
        var capture = new CapturingLoggerProvider();
        await using var server = await BroadcasterServer.StartAsync(DashboardAccessTests.Enabled() with { Debug = true }, logging: b =>
        {
            b.AddProvider(capture);
            b.SetMinimumLevel(LogLevel.Trace);
        });
        using var dashboard = new DashboardClient(server.Port);
        const string guess = "guessed-password-never-logged";

        (await dashboard.SignInAsync(guess)).Dispose();
        (await dashboard.GetAsync("api/overview", bearer: guess + "-bearer")).Dispose();
        using var signedIn = await dashboard.SignInAsync(DashboardAccessTests.Password);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
        var session = dashboard.Cookies.GetCookies(dashboard.BaseAddress)["broadcaster_dashboard"]!.Value;
        await using var client = await server.ConnectAsync();
        await client.SubscribeAsync("logged");
        using var live = await dashboard.OpenLiveAsync();
        await live.NextAsync("overview");
        (await dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "logged", @event = "e", data = "x" })).Dispose();
        await client.ExpectAsync("e");
        (await dashboard.GetAsync("api/overview", bearer: DashboardAccessTests.Password)).Dispose();

        await capture.WaitForAsync(e => e.Message.Contains("failed sign-in"), TimeSpan.FromSeconds(5), "the failed sign-in");
        await capture.WaitForAsync(e => e.Message.Contains("test event sent"), TimeSpan.FromSeconds(5), "the test event");
        string[] never = [DashboardAccessTests.Password, guess, session, .. TestApps.All.Select(a => a.Secret)];
        foreach (var entry in capture.Entries)
            Assert.DoesNotContain(never, secret => entry.All.Contains(secret, StringComparison.Ordinal));
    }
}
