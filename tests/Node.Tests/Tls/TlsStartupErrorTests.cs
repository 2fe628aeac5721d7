using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>Every bad TLS setting stops start-up with a <see cref="SettingsException"/> naming the setting.</summary>
public sealed class TlsStartupErrorTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    private TestCertificates Certs => fixture.Certs;

    private static async Task<string> AssertStartFailsAsync(TlsOptions tls, string setting, string? also = null)
    {
        var e = await Assert.ThrowsAsync<SettingsException>(async () =>
        {
            await using var server = await TlsServers.StartAsync(tls);
        });
        Assert.StartsWith(setting + ":", e.Message);
        if (also is not null) Assert.Contains(also, e.Message, StringComparison.OrdinalIgnoreCase);
        return e.Message;
    }

    private (string Cert, string Key) Pem(string name, bool rsa = true) => Certs.WritePem(Certs.Server(rsa: rsa), name);

    [Fact]
    public Task Missing_certificate_file() =>
        AssertStartFailsAsync(new TlsOptions { Certificate = Certs.PathOf("nope.crt"), Key = Pem("k1").Key }, "broadcaster.tls.certificate", "does not exist");

    [Fact]
    public Task Missing_key_file() =>
        AssertStartFailsAsync(new TlsOptions { Certificate = Pem("k2").Cert, Key = Certs.PathOf("nope.key") }, "broadcaster.tls.key", "does not exist");

    [Fact]
    public Task Missing_ca_bundle_file()
    {
        var (cert, key) = Pem("k3");
        return AssertStartFailsAsync(new TlsOptions { Certificate = cert, Key = key, CaBundle = Certs.PathOf("nope-ca.pem") }, "broadcaster.tls.ca-bundle", "does not exist");
    }

    [Fact]
    public Task Pem_certificate_without_any_key() =>
        AssertStartFailsAsync(new TlsOptions { Certificate = Pem("k4").Cert }, "broadcaster.tls.key", "no private key");

    [Fact]
    public Task Key_that_does_not_match_the_certificate()
    {
        var (cert, _) = Pem("k5");
        var (_, otherKey) = Pem("k5-other");
        return AssertStartFailsAsync(new TlsOptions { Certificate = cert, Key = otherKey }, "broadcaster.tls.key", "does not match");
    }

    [Fact]
    public Task Key_of_another_algorithm_does_not_match_the_certificate()
    {
        var (cert, _) = Pem("k6");
        var (_, ecKey) = Pem("k6-ec", rsa: false);
        return AssertStartFailsAsync(new TlsOptions { Certificate = cert, Key = ecKey }, "broadcaster.tls.key", "does not match");
    }

    [Fact]
    public Task Wrong_passphrase_for_an_encrypted_pkcs8_key()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("wp.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("wp.key", TestCertificates.EncryptedKeyPem(cert, TestCertificates.Passphrase));
        return AssertStartFailsAsync(new TlsOptions { Certificate = certPath, Key = keyPath, Passphrase = "wrong" }, "broadcaster.tls.passphrase", "wrong passphrase");
    }

    [Fact]
    public Task Missing_passphrase_for_an_encrypted_pkcs8_key()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("np.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("np.key", TestCertificates.EncryptedKeyPem(cert, TestCertificates.Passphrase));
        return AssertStartFailsAsync(new TlsOptions { Certificate = certPath, Key = keyPath }, "broadcaster.tls.passphrase", "encrypted");
    }

    [Fact]
    public Task Wrong_passphrase_for_a_traditional_encrypted_key()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("wpl.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("wpl.key", Certs.TraditionalEncryptedKeyPem(cert, TestCertificates.Passphrase));
        return AssertStartFailsAsync(new TlsOptions { Certificate = certPath, Key = keyPath, Passphrase = "wrong" }, "broadcaster.tls.passphrase", "wrong passphrase");
    }

    [Fact]
    public Task Traditional_key_with_an_unsupported_cipher_says_how_to_convert()
    {
        var cert = Certs.Server();
        var certPath = Certs.Write("camellia.crt", TestCertificates.Pem(cert));
        var keyPath = Certs.Write("camellia.key",
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: CAMELLIA-256-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        return AssertStartFailsAsync(new TlsOptions { Certificate = certPath, Key = keyPath, Passphrase = "x" }, "broadcaster.tls.key", "openssl pkcs8 -topk8");
    }

    [Fact]
    public Task Wrong_passphrase_for_a_pfx()
    {
        var pfx = Certs.WritePfx(Certs.Server(), "wrong-pass", TestCertificates.Passphrase);
        return AssertStartFailsAsync(new TlsOptions { Certificate = pfx, Passphrase = "wrong" }, "broadcaster.tls.passphrase", "wrong passphrase");
    }

    [Fact]
    public Task Missing_passphrase_for_a_pfx()
    {
        var pfx = Certs.WritePfx(Certs.Server(), "no-pass", TestCertificates.Passphrase);
        return AssertStartFailsAsync(new TlsOptions { Certificate = pfx }, "broadcaster.tls.passphrase");
    }

    [Fact]
    public Task Certificate_file_that_is_not_a_certificate()
    {
        var path = Certs.Write("not-a-cert.crt", "hello, I am a text file\n");
        return AssertStartFailsAsync(new TlsOptions { Certificate = path, Key = Pem("k7").Key }, "broadcaster.tls.certificate", "not a certificate");
    }

    [Fact]
    public Task Certificate_setting_pointing_at_the_key()
    {
        var (_, key) = Pem("k8");
        return AssertStartFailsAsync(new TlsOptions { Certificate = key, Key = key }, "broadcaster.tls.certificate", "not a certificate");
    }

    [Fact]
    public Task Certificate_file_with_a_damaged_certificate()
    {
        var path = Certs.Write("damaged.crt", "-----BEGIN CERTIFICATE-----\nMIIBnotbase64atall\n-----END CERTIFICATE-----\n");
        return AssertStartFailsAsync(new TlsOptions { Certificate = path, Key = Pem("k9").Key }, "broadcaster.tls.certificate");
    }

    [Fact]
    public Task Ca_bundle_that_is_not_a_certificate()
    {
        var (cert, key) = Pem("k10");
        var ca = Certs.Write("not-ca.pem", "nothing here\n");
        return AssertStartFailsAsync(new TlsOptions { Certificate = cert, Key = key, CaBundle = ca }, "broadcaster.tls.ca-bundle");
    }

    [Fact]
    public Task Key_file_without_a_key()
    {
        var (cert, _) = Pem("k11");
        return AssertStartFailsAsync(new TlsOptions { Certificate = cert, Key = cert }, "broadcaster.tls.key", "no PEM private key");
    }

    [Fact]
    public async Task The_serve_command_exits_non_zero_with_the_setting_named()
    {
        var config = Certs.Write("bad-tls.conf", $$"""
            broadcaster.tls.certificate = "{{Certs.PathOf("missing.crt")}}"
            """);
        var stderr = new StringWriter();
        var previous = Console.Error;
        int code;
        try
        {
            Console.SetError(stderr);
            code = await Program.Main(["serve", "--host", "127.0.0.1", "--port", "0", "--config", config]);
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.NotEqual(0, code);
        Assert.Contains("broadcaster.tls.certificate", stderr.ToString());
    }
}
