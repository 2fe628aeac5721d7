using System.Security.Cryptography.X509Certificates;
using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;

namespace Broadcaster.Node.Tests.Tls;

public sealed class TlsCertificatesFixture : IDisposable
{
    public TestCertificates Certs { get; } = new();
    public void Dispose() => Certs.Dispose();
}

/// <summary>wss:// and https:// straight from the node, with PEM, encrypted PEM and PFX certificates.</summary>
public sealed class TlsServingTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    private TestCertificates Certs => fixture.Certs;

    private static async Task AssertServesAsync(BroadcasterServer server, X509Certificate2 root, X509Certificate2 expected, X509Certificate2? intermediate)
    {
        await using var client = await TlsClient.ConnectAsync(server.Port, root);
        Assert.Equal(expected.Thumbprint, client.Handshake.Thumbprint);
        Assert.Matches(@"^\d+\.\d+$", client.SocketId);
        if (intermediate is not null)
        {
            // The intermediate is in no store of the client: it was sent in the handshake.
            Assert.Contains(intermediate.Thumbprint, client.Handshake.Presented);
            Assert.Equal([expected.Thumbprint, intermediate.Thumbprint, root.Thumbprint], client.Handshake.VerifiedChain);
        }
        await client.PingPongAsync();
    }

    [Fact]
    public async Task Wss_handshake_sends_the_chain_and_gets_connection_established_and_https_api_works()
    {
        var cert = Certs.Server();
        var (certPath, keyPath) = Certs.WritePem(cert, "pem-chain");
        await using var server = await TlsServers.StartAsync(new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle });

        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);

        // A public channel over wss receives an event triggered through the HTTP API over https.
        await using var client = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        await client.SendAsync("""{"event":"pusher:subscribe","data":{"channel":"tls-news","auth":""}}""");
        await client.ExpectAsync("pusher_internal:subscription_succeeded");
        var (status, body, handshake) = await HttpsApi.TriggerAsync(server.Port, Certs.Root, "tls-news", "headline", "over https");
        Assert.True(status == 200, body);
        Assert.Equal(cert.Thumbprint, handshake.Thumbprint);
        Assert.Contains(Certs.Intermediate.Thumbprint, handshake.Presented);
        var frame = await client.ExpectAsync("headline");
        Assert.Equal("tls-news", frame.Channel);
        Assert.Equal("over https", frame.DataString);

        // 127.0.0.1 is in the certificate's names as well.
        await using var byIp = await TlsClient.ConnectAsync(server.Port, Certs.Root, host: "127.0.0.1");
        Assert.Equal(cert.Thumbprint, byIp.Handshake.Thumbprint);
    }

    [Fact]
    public async Task Plain_http_is_not_served_on_a_tls_port()
    {
        var (certPath, keyPath) = Certs.WritePem(Certs.Server(), "pem-plain");
        await using var server = await TlsServers.StartAsync(new TlsOptions { Certificate = certPath, Key = keyPath, CaBundle = Certs.CaBundle });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var failed = false;
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{server.Port}/up");
            failed = (int)response.StatusCode != 200;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            failed = true;
        }
        Assert.True(failed, "plain http must not be answered with 200 on the TLS port");
    }

    [Fact]
    public async Task Full_chain_pem_and_key_in_one_file_works()
    {
        var cert = Certs.Server(rsa: false);
        // fullchain.pem style: leaf then intermediate, and the key appended (no separate key setting).
        var path = Certs.Write("fullchain-with-key.pem", TestCertificates.Pem(cert) + TestCertificates.Pem(Certs.Intermediate) + TestCertificates.KeyPem(cert));
        await using var server = await TlsServers.StartAsync(new TlsOptions { Certificate = path });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public async Task Encrypted_pkcs8_key_works_with_its_passphrase()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("enc.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("enc.key", TestCertificates.EncryptedKeyPem(cert, TestCertificates.Passphrase));
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(keyPath));
        await using var server = await TlsServers.StartAsync(new TlsOptions
        {
            Certificate = certPath, Key = keyPath, Passphrase = TestCertificates.Passphrase, CaBundle = Certs.CaBundle,
        });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public async Task Encrypted_pkcs8_ec_key_works()
    {
        var cert = Certs.Server(rsa: false);
        var certPath = Certs.Write("enc-ec.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("enc-ec.key", TestCertificates.EncryptedKeyPem(cert, TestCertificates.Passphrase));
        await using var server = await TlsServers.StartAsync(new TlsOptions
        {
            Certificate = certPath, Key = keyPath, Passphrase = TestCertificates.Passphrase, CaBundle = Certs.CaBundle,
        });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Theory]
    [InlineData("-aes256")]
    [InlineData("-des3")]
    public async Task Traditional_encrypted_pem_key_works(string cipher)
    {
        var cert = Certs.Server();
        var certPath = Certs.Write($"legacy{cipher}.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write($"legacy{cipher}.key", Certs.TraditionalEncryptedKeyPem(cert, TestCertificates.Passphrase, cipher));
        Assert.Contains("Proc-Type: 4,ENCRYPTED", File.ReadAllText(keyPath));
        await using var server = await TlsServers.StartAsync(new TlsOptions
        {
            Certificate = certPath, Key = keyPath, Passphrase = TestCertificates.Passphrase, CaBundle = Certs.CaBundle,
        });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public async Task Pfx_with_passphrase_works_and_sends_its_intermediate()
    {
        var cert = Certs.Server();
        var pfx = Certs.WritePfx(cert, "server", TestCertificates.Passphrase, Certs.Intermediate);
        await using var server = await TlsServers.StartAsync(new TlsOptions { Certificate = pfx, Passphrase = TestCertificates.Passphrase });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public async Task Pfx_with_ca_bundle_works()
    {
        var cert = Certs.Server(rsa: false);
        var pfx = Certs.WritePfx(cert, "server-ec", TestCertificates.Passphrase);
        await using var server = await TlsServers.StartAsync(new TlsOptions
        {
            Certificate = pfx, Passphrase = TestCertificates.Passphrase, CaBundle = Certs.CaBundle,
        });
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public async Task Laravel_websockets_environment_variables_configure_tls_through_the_serve_command_line()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("env.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("env.key", TestCertificates.EncryptedKeyPem(cert, TestCertificates.Passphrase));
        var env = new Dictionary<string, string>
        {
            ["LARAVEL_WEBSOCKETS_SSL_LOCAL_CERT"] = certPath,
            ["LARAVEL_WEBSOCKETS_SSL_LOCAL_PK"] = keyPath,
            ["LARAVEL_WEBSOCKETS_SSL_PASSPHRASE"] = TestCertificates.Passphrase,
            ["LARAVEL_WEBSOCKETS_SSL_CA"] = Certs.CaBundle,
        };
        var options = OptionsLoader.Load(CommandLine.Parse(["serve", "--host", "127.0.0.1", "--port", "0"]), env);
        Assert.Equal(certPath, options.Tls.Certificate);
        Assert.Equal(keyPath, options.Tls.Key);
        Assert.Equal(TestCertificates.Passphrase, options.Tls.Passphrase);
        Assert.Equal(Certs.CaBundle, options.Tls.CaBundle);
        Assert.True(options.Tls.Enabled);

        // The default app (app-id / app-key / app-secret) is the one the test clients use.
        await using var server = await BroadcasterServer.StartAsync(options, logging: RunLog.For(options));
        await AssertServesAsync(server, Certs.Root, cert, Certs.Intermediate);
    }

    [Fact]
    public void Hocon_settings_configure_tls()
    {
        var config = Certs.Write("tls.conf", $$"""
            broadcaster.tls {
              certificate = "{{Certs.PathOf("a.crt")}}"
              key = "{{Certs.PathOf("a.key")}}"
              passphrase = "secret"
              ca-bundle = "{{Certs.CaBundle}}"
              verify-peer = true
              allow-self-signed = true
              reload-interval = 2s
            }
            """);
        var tls = OptionsLoader.Load(CommandLine.Parse(["serve", "--config", config]), new Dictionary<string, string>()).Tls;
        Assert.Equal(Certs.PathOf("a.crt"), tls.Certificate);
        Assert.Equal(Certs.PathOf("a.key"), tls.Key);
        Assert.Equal("secret", tls.Passphrase);
        Assert.Equal(Certs.CaBundle, tls.CaBundle);
        Assert.True(tls.VerifyPeer);
        Assert.True(tls.AllowSelfSigned);
        Assert.Equal(TimeSpan.FromSeconds(2), tls.ReloadInterval);
    }
}
