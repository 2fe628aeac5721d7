using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Tls;

/// <summary>
/// The certificate files of <c>broadcaster.tls</c>, loaded and checked: the server certificate with its private
/// key, the certificates sent with it (from the certificate file and the CA bundle) and the CA bundle itself.
/// Every problem is a <see cref="SettingsException"/> naming the setting.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    private const string CertificateSetting = "broadcaster.tls.certificate";
    private const string KeySetting = "broadcaster.tls.key";
    private const string PassphraseSetting = "broadcaster.tls.passphrase";
    private const string CaBundleSetting = "broadcaster.tls.ca-bundle";

    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string RsaPssOid = "1.2.840.113549.1.1.10";
    private const string EcOid = "1.2.840.10045.2.1";

    private TlsMaterial(X509Certificate2 certificate, X509Certificate2Collection chain, X509Certificate2Collection caBundle)
    {
        Certificate = certificate;
        Chain = chain;
        CaBundle = caBundle;
        Context = SslStreamCertificateContext.Create(certificate, chain, offline: true);
    }

    /// <summary>The server certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }
    /// <summary>Further certificates of the certificate file (a full chain) followed by the CA bundle.</summary>
    public X509Certificate2Collection Chain { get; }
    /// <summary>The CA bundle (empty when not configured): sent with the chain and trusted for client certificates.</summary>
    public X509Certificate2Collection CaBundle { get; }
    /// <summary>What SslStream serves: the certificate and the intermediates of its chain.</summary>
    public SslStreamCertificateContext Context { get; }

    public static TlsMaterial Load(TlsOptions options)
    {
        if (options.Certificate.Length == 0) throw new SettingsException($"{CertificateSetting}: not set");
        var certBytes = ReadFile(CertificateSetting, options.Certificate);
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        if (LooksLikePem(certBytes))
        {
            var certText = System.Text.Encoding.UTF8.GetString(certBytes);
            var certs = ImportPemCertificates(CertificateSetting, options.Certificate, certText);
            var keyPath = options.Key.Length > 0 ? options.Key : options.Certificate;
            var keyText = options.Key.Length > 0 ? System.Text.Encoding.UTF8.GetString(ReadFile(KeySetting, options.Key)) : certText;
            leaf = AttachKey(certs[0], keyText, keyPath, options.Certificate, options.Passphrase, keyGiven: options.Key.Length > 0);
            for (var i = 1; i < certs.Count; i++) chain.Add(certs[i]);
        }
        else
        {
            var all = LoadPkcs12(certBytes, options.Certificate, options.Passphrase);
            leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                   ?? throw new SettingsException($"{CertificateSetting}: '{options.Certificate}' holds no certificate with a private key");
            foreach (var c in all)
                if (!ReferenceEquals(c, leaf)) chain.Add(c);
        }

        var ca = new X509Certificate2Collection();
        if (options.CaBundle.Length > 0)
        {
            var caText = ReadFile(CaBundleSetting, options.CaBundle);
            if (!LooksLikePem(caText))
                throw new SettingsException($"{CaBundleSetting}: '{options.CaBundle}' is not a PEM file of certificates (-----BEGIN CERTIFICATE-----)");
            ca = ImportPemCertificates(CaBundleSetting, options.CaBundle, System.Text.Encoding.UTF8.GetString(caText));
            chain.AddRange(ca);
        }

        try
        {
            return new TlsMaterial(leaf, chain, ca);
        }
        catch (CryptographicException e)
        {
            throw new SettingsException($"{CertificateSetting}: '{options.Certificate}' cannot be served: {e.Message}");
        }
    }

    /// <summary>Paths whose changes trigger a reload.</summary>
    public static IEnumerable<string> Files(TlsOptions options) =>
        new[] { options.Certificate, options.Key, options.CaBundle }.Where(p => p.Length > 0).Distinct();

    private static byte[] ReadFile(string setting, string path)
    {
        if (!File.Exists(path)) throw new SettingsException($"{setting}: file '{path}' does not exist");
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SettingsException($"{setting}: cannot read '{path}': {e.Message}");
        }
    }

    private static bool LooksLikePem(byte[] bytes)
    {
        var head = System.Text.Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 4096));
        return head.Contains("-----BEGIN ", StringComparison.Ordinal);
    }

    private static X509Certificate2Collection ImportPemCertificates(string setting, string path, string text)
    {
        var certs = new X509Certificate2Collection();
        try
        {
            certs.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new SettingsException($"{setting}: '{path}' holds an unreadable certificate: {e.Message}");
        }
        if (certs.Count == 0)
            throw new SettingsException($"{setting}: '{path}' is not a certificate: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        return certs;
    }

    private static X509Certificate2Collection LoadPkcs12(byte[] bytes, string path, string passphrase)
    {
        X509ContentType type;
        try
        {
            type = X509Certificate2.GetCertContentType(bytes);
        }
        catch (CryptographicException)
        {
            type = X509ContentType.Unknown;
        }
        if (type != X509ContentType.Pkcs12)
        {
            throw new SettingsException(
                $"{CertificateSetting}: '{path}' is not a certificate: expected PEM (-----BEGIN CERTIFICATE-----) or a PFX/PKCS#12 file");
        }
        try
        {
            return X509CertificateLoader.LoadPkcs12Collection(bytes, passphrase, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new SettingsException(passphrase.Length == 0
                ? $"{PassphraseSetting}: cannot open the PFX/PKCS#12 file '{path}' without a passphrase: set {PassphraseSetting} (LARAVEL_WEBSOCKETS_SSL_PASSPHRASE) ({e.Message})"
                : $"{PassphraseSetting}: wrong passphrase for the PFX/PKCS#12 file '{path}' ({e.Message})");
        }
    }

    private enum KeyKind { Rsa, Ec }

    private static KeyKind? KindOf(string oid) => oid switch
    {
        RsaOid or RsaPssOid => KeyKind.Rsa,
        EcOid => KeyKind.Ec,
        _ => null,
    };

    private static X509Certificate2 AttachKey(X509Certificate2 certificate, string keyText, string keyPath, string certPath, string passphrase, bool keyGiven)
    {
        var certKind = KindOf(certificate.GetKeyAlgorithm())
                       ?? throw new SettingsException($"{CertificateSetting}: '{certPath}' has a {certificate.PublicKey.Oid.FriendlyName ?? certificate.GetKeyAlgorithm()} key; RSA and ECDSA are supported");
        using var key = ReadPrivateKey(keyText, keyPath, passphrase, keyGiven, certKind);
        var keyKind = key is RSA ? KeyKind.Rsa : KeyKind.Ec;
        var mismatch = new SettingsException($"{KeySetting}: the private key in '{keyPath}' does not match the certificate in '{certPath}'");
        if (keyKind != certKind) throw mismatch;
        X509Certificate2 withKey;
        try
        {
            withKey = key is RSA rsa ? certificate.CopyWithPrivateKey(rsa) : certificate.CopyWithPrivateKey((ECDsa)key);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw mismatch;
        }
        if (!OperatingSystem.IsWindows()) return withKey;
        // SChannel cannot use an ephemeral key: go through PKCS#12 once.
        using (withKey) return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static AsymmetricAlgorithm ReadPrivateKey(string text, string path, string passphrase, bool keyGiven, KeyKind preferred)
    {
        if (LegacyPemKey.TryFind(text) is { } legacy) return LegacyPemKey.Decrypt(legacy, path, passphrase);

        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            var der = Convert.FromBase64String(rest[fields.Base64Data].ToString());
            rest = rest[fields.Location.End.Value..];
            switch (label)
            {
                case "ENCRYPTED PRIVATE KEY":
                    if (passphrase.Length == 0)
                        throw new SettingsException($"{PassphraseSetting}: the private key in '{path}' is encrypted: set {PassphraseSetting} (LARAVEL_WEBSOCKETS_SSL_PASSPHRASE)");
                    return ImportEither(preferred,
                        rsa => rsa.ImportEncryptedPkcs8PrivateKey(passphrase, der, out _),
                        ec => ec.ImportEncryptedPkcs8PrivateKey(passphrase, der, out _),
                        $"{PassphraseSetting}: wrong passphrase for the private key in '{path}'");
                case "PRIVATE KEY":
                    return ImportEither(preferred,
                        rsa => rsa.ImportPkcs8PrivateKey(der, out _),
                        ec => ec.ImportPkcs8PrivateKey(der, out _),
                        $"{KeySetting}: unreadable private key in '{path}' (RSA or ECDSA PKCS#8 expected)");
                case "RSA PRIVATE KEY":
                    return ImportEither(KeyKind.Rsa, rsa => rsa.ImportRSAPrivateKey(der, out _), null,
                        $"{KeySetting}: unreadable RSA private key in '{path}'");
                case "EC PRIVATE KEY":
                    return ImportEither(KeyKind.Ec, null, ec => ec.ImportECPrivateKey(der, out _),
                        $"{KeySetting}: unreadable EC private key in '{path}'");
            }
        }
        throw new SettingsException(keyGiven
            ? $"{KeySetting}: '{path}' holds no PEM private key (-----BEGIN PRIVATE KEY-----)"
            : $"{KeySetting}: not set, and the certificate file '{path}' holds no private key: set {KeySetting} (LARAVEL_WEBSOCKETS_SSL_LOCAL_PK)");
    }

    /// <summary>Imports as the certificate's algorithm first, then as the other one; both failing is <paramref name="error"/>.</summary>
    private static AsymmetricAlgorithm ImportEither(KeyKind preferred, Action<RSA>? asRsa, Action<ECDsa>? asEc, string error)
    {
        var attempts = preferred == KeyKind.Rsa
            ? new Func<AsymmetricAlgorithm?>[] { () => Try(asRsa, RSA.Create), () => Try(asEc, ECDsa.Create) }
            : [() => Try(asEc, ECDsa.Create), () => Try(asRsa, RSA.Create)];
        foreach (var attempt in attempts)
            if (attempt() is { } key) return key;
        throw new SettingsException(error);

        static AsymmetricAlgorithm? Try<T>(Action<T>? import, Func<T> create) where T : AsymmetricAlgorithm
        {
            if (import is null) return null;
            var key = create();
            try
            {
                import(key);
                return key;
            }
            catch (CryptographicException)
            {
                key.Dispose();
                return null;
            }
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var c in Chain) c.Dispose();
    }
}
