using Broadcaster.Node.Configuration;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>Renewed certificate files are served without a restart; broken ones keep the old certificate.</summary>
public sealed class TlsReloadTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    private TestCertificates Certs => fixture.Certs;

    private async Task WaitForThumbprintAsync(int port, string thumbprint, string what) =>
        await Eventually.WaitAsync(async () => (await TlsClient.HandshakeAsync(port, Certs.Root)).Thumbprint == thumbprint, Within, what);

    /// <summary>Writes the files the way a renewal does, but with the new content's modification time certainly different.</summary>
    private static void Replace(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    [Fact]
    public async Task Replaced_files_are_served_to_new_handshakes_while_the_node_keeps_running()
    {
        var first = Certs.Server("first.localhost");
        var (certPath, keyPath) = Certs.WritePem(first, "reload");
        var logs = new LogCapture();
        await using var server = await TlsServers.StartAsync(
            new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle, ReloadInterval = Interval }, logs);

        await using var early = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        Assert.Equal(first.Thumbprint, early.Handshake.Thumbprint);

        // Renewal: new key first, then the new certificate (a moment where they do not match is fine).
        var second = Certs.Server("second.localhost");
        Replace(keyPath, TestCertificates.KeyPem(second));
        Replace(certPath, TestCertificates.Pem(second));
        await WaitForThumbprintAsync(server.Port, second.Thumbprint, "the renewed certificate to be served");

        await using var late = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        Assert.Equal(second.Thumbprint, late.Handshake.Thumbprint);
        Assert.Contains(Certs.Intermediate.Thumbprint, late.Handshake.Presented);
        // The connection made before the renewal is still open and served.
        await early.PingPongAsync();
        await late.PingPongAsync();
        await Eventually.WaitAsync(() => Task.FromResult(logs.Has(LogLevel.Information, second.Thumbprint)), Within, "the reload to be logged");
    }

    [Fact]
    public async Task Half_written_files_keep_the_old_certificate_log_a_warning_and_do_not_crash_the_node()
    {
        var first = Certs.Server("half.localhost");
        var (certPath, keyPath) = Certs.WritePem(first, "half");
        var logs = new LogCapture();
        await using var server = await TlsServers.StartAsync(
            new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle, ReloadInterval = Interval }, logs);
        await using var early = await TlsClient.ConnectAsync(server.Port, Certs.Root);

        // Certificate cut in the middle of the write.
        var second = Certs.Server("half2.localhost");
        var pem = TestCertificates.Pem(second);
        Replace(certPath, pem[..(pem.Length / 2)]);
        await Eventually.WaitAsync(() => Task.FromResult(logs.Has(LogLevel.Warning, "cannot be loaded")), Within, "a warning about the broken files");
        Assert.Equal(first.Thumbprint, (await TlsClient.HandshakeAsync(server.Port, Certs.Root)).Thumbprint);

        // An empty key file, and then the new certificate with the old key (a mismatch).
        Replace(keyPath, "");
        Replace(certPath, pem);
        await Eventually.WaitAsync(() => Task.FromResult(logs.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be loaded")) >= 2),
            Within, "a second warning");
        Assert.Equal(first.Thumbprint, (await TlsClient.HandshakeAsync(server.Port, Certs.Root)).Thumbprint);
        await early.PingPongAsync();

        // The renewal completes: the new pair is served.
        Replace(keyPath, TestCertificates.KeyPem(second));
        await WaitForThumbprintAsync(server.Port, second.Thumbprint, "the completed renewal to be served");
        await early.PingPongAsync();
    }

    [Fact]
    public async Task Reload_stops_with_the_server()
    {
        var cert = Certs.Server("stop.localhost");
        var (certPath, keyPath) = Certs.WritePem(cert, "stop");
        var logs = new LogCapture();
        var server = await TlsServers.StartAsync(new TlsOptions { Certificate = certPath, Key = keyPath, ReloadInterval = Interval }, logs);
        await server.DisposeAsync();
        var before = logs.Entries.Count;
        Replace(certPath, "broken");
        await Task.Delay(Interval * 4);
        Assert.DoesNotContain(logs.Entries.Skip(before), e => e.Message.Contains("cannot be loaded"));
    }
}
