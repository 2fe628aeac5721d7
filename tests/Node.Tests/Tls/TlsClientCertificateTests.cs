using System.Security.Cryptography.X509Certificates;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>verify-peer: client certificates must chain to the CA bundle; allow-self-signed also lets self-signed ones in.</summary>
public sealed class TlsClientCertificateTests(TlsCertificatesFixture fixture) : IClassFixture<TlsCertificatesFixture>
{
    private TestCertificates Certs => fixture.Certs;

    private TlsOptions Options(string name, bool verifyPeer, bool allowSelfSigned = false)
    {
        var (cert, key) = Certs.WritePem(Certs.Server(), name);
        return new TlsOptions { Certificate = cert, Key = key, CaBundle = Certs.CaBundle, VerifyPeer = verifyPeer, AllowSelfSigned = allowSelfSigned };
    }

    private async Task AssertRefusedAsync(int port, X509Certificate2? clientCertificate)
    {
        var e = await Record.ExceptionAsync(async () =>
        {
            await using var client = await TlsClient.ConnectAsync(port, Certs.Root, clientCertificate);
        });
        Assert.True(e is not null, "the connection should have been refused");
        Assert.IsNotType<Xunit.Sdk.XunitException>(e);
    }

    [Fact]
    public async Task Verify_peer_refuses_clients_without_a_certificate_and_accepts_ones_signed_by_the_ca()
    {
        await using var server = await TlsServers.StartAsync(Options("vp", verifyPeer: true));

        await AssertRefusedAsync(server.Port, null);

        using var byIntermediate = Certs.Client("signed by the intermediate");
        await using (var client = await TlsClient.ConnectAsync(server.Port, Certs.Root, byIntermediate))
            await client.PingPongAsync();

        using var byRoot = Certs.Client("signed by the root", Certs.Root);
        await using (var client = await TlsClient.ConnectAsync(server.Port, Certs.Root, byRoot))
            await client.PingPongAsync();

        // Still serving after the refusals.
        await AssertRefusedAsync(server.Port, null);
    }

    [Fact]
    public async Task Verify_peer_refuses_self_signed_and_foreign_ca_client_certificates()
    {
        await using var server = await TlsServers.StartAsync(Options("vp-self", verifyPeer: true));
        using var selfSigned = TestCertificates.SelfSignedClient();
        await AssertRefusedAsync(server.Port, selfSigned);

        using var foreign = new TestCertificates();
        using var foreignClient = foreign.Client("signed by another CA");
        await AssertRefusedAsync(server.Port, foreignClient);
    }

    [Fact]
    public async Task Allow_self_signed_accepts_self_signed_client_certificates_but_still_requires_one()
    {
        await using var server = await TlsServers.StartAsync(Options("vp-allow", verifyPeer: true, allowSelfSigned: true));
        using var selfSigned = TestCertificates.SelfSignedClient();
        await using (var client = await TlsClient.ConnectAsync(server.Port, Certs.Root, selfSigned))
            await client.PingPongAsync();

        using var signed = Certs.Client();
        await using (var client = await TlsClient.ConnectAsync(server.Port, Certs.Root, signed))
            await client.PingPongAsync();

        await AssertRefusedAsync(server.Port, null);

        using var foreign = new TestCertificates();
        using var foreignClient = foreign.Client("signed by another CA");
        await AssertRefusedAsync(server.Port, foreignClient);
    }

    [Fact]
    public async Task Without_verify_peer_no_client_certificate_is_needed()
    {
        await using var server = await TlsServers.StartAsync(Options("no-vp", verifyPeer: false));
        await using var client = await TlsClient.ConnectAsync(server.Port, Certs.Root);
        await client.PingPongAsync();
        using var selfSigned = TestCertificates.SelfSignedClient();
        await using var other = await TlsClient.ConnectAsync(server.Port, Certs.Root, selfSigned);
        await other.PingPongAsync();
    }
}
