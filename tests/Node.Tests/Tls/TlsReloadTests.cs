using Broadcaster.Node.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>
/// Renewed certificate files are served without a restart; broken ones keep the old certificate. The node's clock is
/// fake: the files are checked exactly when the test advances it by the reload interval, never in between.
/// </summary>
public sealed class TlsReloadTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private TestCertificates Certs => fixture.Certs;

    private async Task<string> ServedThumbprintAsync(int port) => (await TlsClient.HandshakeAsync(port, Certs.Root)).Thumbprint;

    /// <summary>Writes the files the way a renewal does, but with the new content's modification time certainly different.</summary>
    private static void Replace(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static int ReloadWarnings(LogCapture logs) =>
        logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be loaded"));

    [Fact]
    public async Task Replaced_files_are_served_to_new_handshakes_while_the_node_keeps_running()
    {
        var first = Certs.Server("first.localhost");
        var (certPath, keyPath) = Certs.WritePem(first, "reload");
        var logs = new LogCapture();
        await using var server = await TlsServers.StartAsync(
            new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle, ReloadInterval = Interval }, logs, _time);

        await using var early = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        Assert.Equal(first.Thumbprint, early.Handshake.Thumbprint);

        // Renewal: new key first, then the new certificate (a moment where they do not match is fine).
        var second = Certs.Server("second.localhost");
        Replace(keyPath, TestCertificates.KeyPem(second));
        Replace(certPath, TestCertificates.Pem(second));
        // Until the next check the node serves what it loaded.
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(server.Port));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(second.Thumbprint, await ServedThumbprintAsync(server.Port));

        await using var late = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        Assert.Equal(second.Thumbprint, late.Handshake.Thumbprint);
        Assert.Contains(Certs.Intermediate.Thumbprint, late.Handshake.Presented);
        // The connection made before the renewal is still open and served.
        await early.PingPongAsync();
        await late.PingPongAsync();
        Assert.True(logs.Has(LogLevel.Information, second.Thumbprint), "the reload is logged");
    }

    [Fact]
    public async Task Half_written_files_keep_the_old_certificate_log_a_warning_and_do_not_crash_the_node()
    {
        var first = Certs.Server("half.localhost");
        var (certPath, keyPath) = Certs.WritePem(first, "half");
        var logs = new LogCapture();
        await using var server = await TlsServers.StartAsync(
            new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle, ReloadInterval = Interval }, logs, _time);
        await using var early = await TlsClient.ConnectAsync(server.Port, Certs.Root);

        // Certificate cut in the middle of the write.
        var second = Certs.Server("half2.localhost");
        var pem = TestCertificates.Pem(second);
        Replace(certPath, pem[..(pem.Length / 2)]);
        _time.Advance(Interval);
        Assert.Equal(1, ReloadWarnings(logs));
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(server.Port));

        // Unchanged files are not loaded again: no new warning for the same broken files.
        _time.Advance(Interval);
        Assert.Equal(1, ReloadWarnings(logs));

        // An empty key file, and then the new certificate with the old key (a mismatch).
        Replace(keyPath, "");
        Replace(certPath, pem);
        _time.Advance(Interval);
        Assert.Equal(2, ReloadWarnings(logs));
        Assert.Equal(first.Thumbprint, await ServedThumbprintAsync(server.Port));
        await early.PingPongAsync();

        // The renewal completes: the new pair is served.
        Replace(keyPath, TestCertificates.KeyPem(second));
        _time.Advance(Interval);
        Assert.Equal(second.Thumbprint, await ServedThumbprintAsync(server.Port));
        await early.PingPongAsync();
    }

    [Fact]
    public async Task Reload_stops_with_the_server()
    {
        var cert = Certs.Server("stop.localhost");
        var (certPath, keyPath) = Certs.WritePem(cert, "stop");
        var logs = new LogCapture();
        var server = await TlsServers.StartAsync(new TlsOptions { Certificate = certPath, Key = keyPath, ReloadInterval = Interval }, logs, _time);
        await server.DisposeAsync();
        var before = logs.Entries.Count;
        Replace(certPath, "broken");
        // A timer still running would check the files on the spot, during this call.
        _time.Advance(Interval * 4);
        Assert.DoesNotContain(logs.Entries.Skip(before), e => e.Message.Contains("cannot be loaded"));
    }

    [Theory]
    [InlineData(8, null)]
    [InlineData(6, "expires on")]
    [InlineData(-1, "expired on")]
    public async Task Expiry_is_warned_about_a_week_ahead_on_the_node_clock(int daysBeforeExpiry, string? warning)
    {
        var cert = Certs.Server($"expiry{daysBeforeExpiry}.localhost");
        var (certPath, keyPath) = Certs.WritePem(cert, $"expiry{daysBeforeExpiry}");
        _time.SetUtcNow(new DateTimeOffset(cert.NotAfter.ToUniversalTime()) - TimeSpan.FromDays(daysBeforeExpiry));
        var logs = new LogCapture();
        await using var server = await TlsServers.StartAsync(new TlsOptions { Certificate = certPath, Key = keyPath, ReloadInterval = Interval }, logs, _time);

        var expiryWarnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("expire")).Select(e => e.Message).ToList();
        if (warning is null) Assert.Empty(expiryWarnings);
        else Assert.Contains(expiryWarnings, m => m.Contains(warning));
    }
}
