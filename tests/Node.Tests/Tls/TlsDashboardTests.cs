using System.Net;
using System.Text;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Broadcaster.Node.Tests.Dashboard;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>The dashboard over https: its session cookie is Secure, so a browser never sends it over plain http.</summary>
public sealed class TlsDashboardTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    [Fact]
    public async Task Signing_in_over_https_sets_a_secure_cookie_that_opens_the_api()
    {
        var cert = fixture.Certs.Server();
        var (certPath, keyPath) = fixture.Certs.WritePem(cert, "dashboard");
        var options = TlsServers.Options(new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = fixture.Certs.CaBundle }) with
        {
            Dashboard = new DashboardOptions { Enabled = true, Password = DashboardAccessTests.Password },
        };
        await using var server = await BroadcasterServer.StartAsync(options, logging: RunLog.For(options));
        var cookies = new CookieContainer();
        var handler = TlsClient.Handler(fixture.Certs.Root, _ => { });
        handler.CookieContainer = cookies;
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{server.Port}/dashboard/") };

        using var login = await http.PostAsync("login", new StringContent($$"""{"password":"{{DashboardAccessTests.Password}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        using var overview = await http.GetAsync("api/overview");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
    }
}
