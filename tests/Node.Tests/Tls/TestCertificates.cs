using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Broadcaster.Node.Tests.Tls;

/// <summary>
/// Certificates made in the test with <see cref="CertificateRequest"/>: a root CA, an intermediate CA signed by it,
/// server certificates for 127.0.0.1/localhost signed by the intermediate, client certificates, and the files the
/// node reads (PEM, encrypted PKCS#8, traditional encrypted PEM, PFX) in a temp directory removed on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string Passphrase = "correct horse battery staple";

    public TestCertificates()
    {
        Dir = Directory.CreateTempSubdirectory("broadcaster-tls-").FullName;
        Root = CreateCa("Broadcaster Test Root CA", null);
        Intermediate = CreateCa("Broadcaster Test Intermediate CA", Root);
        // The CA bundle a server sends and trusts: intermediate, then root.
        CaBundle = Path.Combine(Dir, "ca-bundle.pem");
        File.WriteAllText(CaBundle, Pem(Intermediate) + Pem(Root));
        RootPem = Path.Combine(Dir, "root.pem");
        File.WriteAllText(RootPem, Pem(Root));
    }

    public string Dir { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 Intermediate { get; }
    public string CaBundle { get; }
    public string RootPem { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 CreateCa(string name, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=Broadcaster Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = DateTimeOffset.UtcNow.AddYears(1);
        if (issuer is null) return request.CreateSelfSigned(notBefore, notAfter);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var cert = SignedBy(request, issuer, notBefore, notAfter.AddDays(-1));
        return cert.CopyWithPrivateKey(key);
    }

    /// <summary>The CAs have ECDSA keys; the certificates they sign may have RSA ones.</summary>
    private static X509Certificate2 SignedBy(CertificateRequest request, X509Certificate2 issuer, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var issuerKey = issuer.GetECDsaPrivateKey()!;
        return request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), notBefore, notAfter, Serial());
    }

    private static byte[] Serial() => RandomNumberGenerator.GetBytes(12).Select((b, i) => i == 0 ? (byte)(b & 0x7f | 0x01) : b).ToArray();

    /// <summary>A server certificate for 127.0.0.1 and localhost, signed by <paramref name="issuer"/> (default: the intermediate).</summary>
    public X509Certificate2 Server(string cn = "localhost", X509Certificate2? issuer = null, bool rsa = true) =>
        Issue(cn, issuer ?? Intermediate, rsa, server: true);

    /// <summary>A client certificate signed by <paramref name="issuer"/> (default: the intermediate).</summary>
    public X509Certificate2 Client(string cn = "client", X509Certificate2? issuer = null) => Issue(cn, issuer ?? Intermediate, rsa: false, server: false);

    /// <summary>A self-signed client certificate.</summary>
    public static X509Certificate2 SelfSignedClient(string cn = "self-signed client")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(string cn, X509Certificate2 issuer, bool rsa, bool server)
    {
        AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var _ = key;
        var request = key is RSA r
            ? new CertificateRequest($"CN={cn}", r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest($"CN={cn}", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | (rsa ? X509KeyUsageFlags.KeyEncipherment : 0), true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }
        using var cert = SignedBy(request, issuer, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return key is RSA rk ? cert.CopyWithPrivateKey(rk) : cert.CopyWithPrivateKey((ECDsa)key);
    }

    public static string Pem(X509Certificate2 cert) => cert.ExportCertificatePem() + "\n";

    public static string KeyPem(X509Certificate2 cert) =>
        (cert.GetRSAPrivateKey() is { } rsa ? rsa.ExportPkcs8PrivateKeyPem() : cert.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()) + "\n";

    public static string EncryptedKeyPem(X509Certificate2 cert, string passphrase)
    {
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000);
        return (cert.GetRSAPrivateKey() is { } rsa
            ? rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, pbe)
            : cert.GetECDsaPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem(passphrase, pbe)) + "\n";
    }

    /// <summary>
    /// "-----BEGIN RSA PRIVATE KEY-----" with "Proc-Type: 4,ENCRYPTED": written by the openssl CLI when it is
    /// installed (<paramref name="cipher"/> -aes256 or -des3), else by the same derivation here (AES-256-CBC).
    /// </summary>
    public string TraditionalEncryptedKeyPem(X509Certificate2 cert, string passphrase, string cipher = "-aes256")
    {
        var rsa = cert.GetRSAPrivateKey()!;
        var plain = PathOf($"plain-{Guid.NewGuid():N}.pem");
        var output = PathOf($"legacy-{Guid.NewGuid():N}.pem");
        File.WriteAllText(plain, rsa.ExportPkcs8PrivateKeyPem());
        if (Openssl($"rsa -in \"{plain}\" -traditional {cipher} -passout pass:\"{passphrase}\" -out \"{output}\"") && File.Exists(output))
        {
            var text = File.ReadAllText(output);
            Assert.Contains("Proc-Type: 4,ENCRYPTED", text);
            return text;
        }
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = Broadcaster.Node.Tls.LegacyPemKey.BytesToKey(Encoding.UTF8.GetBytes(passphrase), iv.AsSpan(0, 8), 32);
        var encrypted = aes.EncryptCbc(rsa.ExportRSAPrivateKey(), iv, PaddingMode.PKCS7);
        return "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC," + Convert.ToHexString(iv) + "\n\n"
               + Convert.ToBase64String(encrypted, Base64FormattingOptions.InsertLineBreaks) + "\n-----END RSA PRIVATE KEY-----\n";
    }

    private static bool Openssl(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("openssl", arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            });
            if (process is null) return false;
            process.WaitForExit(15_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Writes <c>{name}.crt</c> (the certificate) and <c>{name}.key</c> (unencrypted PKCS#8); returns both paths.</summary>
    public (string Cert, string Key) WritePem(X509Certificate2 cert, string name)
    {
        var certPath = PathOf(name + ".crt");
        var keyPath = PathOf(name + ".key");
        File.WriteAllText(certPath, Pem(cert));
        File.WriteAllText(keyPath, KeyPem(cert));
        return (certPath, keyPath);
    }

    public string WritePfx(X509Certificate2 cert, string name, string password, params X509Certificate2[] chain)
    {
        var path = PathOf(name + ".pfx");
        var collection = new X509Certificate2Collection(cert);
        foreach (var c in chain) collection.Add(X509CertificateLoader.LoadCertificate(c.RawData));
        File.WriteAllBytes(path, collection.Export(X509ContentType.Pfx, password)!);
        return path;
    }

    public string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }
}
