using System.Net;
using System.Text;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Dashboard;

/// <summary>Who gets in: the page is public and holds no data; the API needs the password, as a session cookie or a bearer token.</summary>
public sealed class DashboardAccessTests
{
    public const string Password = "dash-pass-123";

    public static BroadcasterOptions Enabled(string prefix = "") => TestServers.DefaultOptions() with
    {
        PathPrefix = prefix,
        Dashboard = new DashboardOptions { Enabled = true, Password = Password },
    };

    [Fact]
    public async Task Without_the_setting_there_is_no_dashboard()
    {
        await using var server = await TestServers.StartAsync();
        using var dashboard = new DashboardClient(server.Port);

        using var page = await dashboard.GetAsync("");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var login = await dashboard.SignInAsync(Password);
        Assert.Equal(HttpStatusCode.NotFound, login.StatusCode);
    }

    [Fact]
    public async Task The_page_and_its_files_load_under_the_path_prefix_with_their_base_filled_in()
    {
        await using var server = await TestServers.StartAsync(Enabled("/ws"));
        using var dashboard = new DashboardClient(server.Port, "/ws");

        using var page = await dashboard.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("""<base href="/ws/dashboard/">""", html);
        Assert.DoesNotContain("__BASE__", html);
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());

        foreach (var (file, type) in new[] { ("assets/dashboard.js", "text/javascript"), ("assets/dashboard.css", "text/css"), ("assets/vendor/uPlot.iife.min.js", "text/javascript") })
        {
            using var asset = await dashboard.GetAsync(file);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, file);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
        }
        using var outside = await dashboard.GetAsync("assets/..%2F..%2Fhocon/broadcaster.conf");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
    }

    [Fact]
    public async Task The_api_refuses_anyone_not_signed_in_with_a_json_error()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);

        foreach (var path in new[] { "api/overview", "api/live", "api/statistics?app=app-id", "api/nothing" })
        {
            using var response = await dashboard.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, path);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Sign in required", await response.Content.ReadAsStringAsync());
        }
        using var wrongBearer = await dashboard.GetAsync("api/overview", bearer: "guess");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongBearer.StatusCode);
        // Other secrets of the node open nothing here: an app's secret as token or password, the admin secret, or a
        // request signed like an HTTP API call with an app's key and secret.
        var withAdmin = Enabled() with { AdminSecret = "admin-secret-not-the-password" };
        await using var admin = await TestServers.StartAsync(withAdmin);
        using var other = new DashboardClient(admin.Port);
        using var appBearer = await other.GetAsync("api/overview", bearer: TestApps.Main.Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, appBearer.StatusCode);
        using var adminBearer = await other.GetAsync("api/overview", bearer: withAdmin.AdminSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, adminBearer.StatusCode);
        using var appPassword = await other.SignInAsync(TestApps.Main.Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, appPassword.StatusCode);
        Assert.Contains("Wrong password", await appPassword.Content.ReadAsStringAsync());
        var signed = admin.Api().SignedTarget("GET", "channels", "");
        using var signedCall = await other.GetAsync("api/overview" + signed[signed.IndexOf('?')..]);
        Assert.Equal(HttpStatusCode.Unauthorized, signedCall.StatusCode);
        using var stillLocked = await other.GetAsync("api/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, stillLocked.StatusCode);
        using var sendEvent = await dashboard.PostJsonAsync("api/event", new { app = "app-id", channel = "c", @event = "e", data = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, sendEvent.StatusCode);
    }

    [Fact]
    public async Task Signing_in_sets_an_http_only_strict_cookie_that_opens_the_api_and_signing_out_drops_it()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);

        using var wrong = await dashboard.SignInAsync("wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Wrong password", await wrong.Content.ReadAsStringAsync());
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        using var ok = await dashboard.SignInAsync(Password);
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        var cookie = ok.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("broadcaster_dashboard=", cookie);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain http: a Secure cookie would never come back.
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Password, cookie);

        using var overview = await dashboard.GetAsync("api/overview");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);

        using var logout = await dashboard.PostAsync("logout", new StringContent(""));
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await dashboard.GetAsync("api/overview");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_forged_or_tampered_session_is_refused_and_a_form_sign_in_works_too()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);
        using var form = await dashboard.PostAsync("login", new FormUrlEncodedContent([new("password", Password)]));
        Assert.Equal(HttpStatusCode.NoContent, form.StatusCode);
        var session = dashboard.Cookies.GetCookies(dashboard.BaseAddress)["broadcaster_dashboard"]!;

        var (expiry, signature) = (session.Value.Split('.')[0], session.Value.Split('.')[1]);
        foreach (var forged in new[] { $"{long.Parse(expiry) + 3600}.{signature}", $"{expiry}.{new string('0', signature.Length)}", "9999999999", "" })
        {
            using var other = new DashboardClient(server.Port);
            other.Cookies.Add(new Cookie("broadcaster_dashboard", forged, "/dashboard", "127.0.0.1"));
            using var refused = await other.GetAsync("api/overview");
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, forged);
        }
    }

    [Fact]
    public async Task A_session_from_one_node_opens_another_node_with_the_same_password()
    {
        await using var a = await TestServers.StartAsync(Enabled());
        await using var b = await TestServers.StartAsync(Enabled());
        using var onA = new DashboardClient(a.Port);
        (await onA.SignInAsync(Password)).Dispose();
        var session = onA.Cookies.GetCookies(onA.BaseAddress)["broadcaster_dashboard"]!.Value;

        using var onB = new DashboardClient(b.Port);
        onB.Cookies.Add(new Cookie("broadcaster_dashboard", session, "/dashboard", "127.0.0.1"));
        using var overview = await onB.GetAsync("api/overview");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_are_answered_429_even_with_the_right_password_then()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);
        for (var i = 0; i < new DashboardOptions().FailedSigninsPerMinute; i++)
        {
            using var wrong = await dashboard.SignInAsync($"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await dashboard.SignInAsync(Password);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Contains("Too many failed sign-ins", await limited.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Wrong_bearer_tokens_count_as_failed_sign_ins()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);
        for (var i = 0; i < new DashboardOptions().FailedSigninsPerMinute; i++)
        {
            using var wrong = await dashboard.GetAsync("api/overview", bearer: $"guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await dashboard.GetAsync("api/overview", bearer: Password);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        using var signIn = await dashboard.SignInAsync(Password);
        Assert.Equal((HttpStatusCode)429, signIn.StatusCode);
    }

    [Fact]
    public async Task A_malformed_sign_in_is_a_json_error()
    {
        await using var server = await TestServers.StartAsync(Enabled());
        using var dashboard = new DashboardClient(server.Port);

        using var garbage = await dashboard.PostAsync("login", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal("application/json", garbage.Content.Headers.ContentType?.MediaType);
        // No password (a number, another field, an empty form) is refused as a request, and is not a failed sign-in.
        for (var i = 0; i < 8; i++)
        {
            using var wrongType = await dashboard.PostJsonAsync("login", new { password = 12345 });
            Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
            using var noField = await dashboard.PostJsonAsync("login", new { pass = Password });
            Assert.Equal(HttpStatusCode.BadRequest, noField.StatusCode);
            using var emptyForm = await dashboard.PostAsync("login", new FormUrlEncodedContent([]));
            Assert.Equal(HttpStatusCode.BadRequest, emptyForm.StatusCode);
        }
        using var signedIn = await dashboard.SignInAsync(Password);
        Assert.Equal(HttpStatusCode.NoContent, signedIn.StatusCode);
    }
}
