using System.Security.Cryptography.X509Certificates;
using Broadcaster.Node.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Broadcaster.Node.Tls;

/// <summary>Serves the node's port over TLS with the configured certificate.</summary>
public sealed class TlsEndpoint
{
    private readonly X509Certificate2 _certificate;

    private TlsEndpoint(X509Certificate2 certificate) => _certificate = certificate;

    /// <summary>Loads and checks the certificate files; a problem is a <see cref="SettingsException"/> naming the setting.</summary>
    public static TlsEndpoint Load(TlsOptions options)
    {
        try
        {
            var certificate = Path.GetExtension(options.Certificate).ToLowerInvariant() is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(options.Certificate, options.Passphrase)
                : X509Certificate2.CreateFromPemFile(options.Certificate, options.Key.Length > 0 ? options.Key : null);
            return new TlsEndpoint(certificate);
        }
        catch (Exception e)
        {
            throw new SettingsException($"broadcaster.tls.certificate: cannot load '{options.Certificate}': {e.Message}");
        }
    }

    public void Apply(ListenOptions listen) => listen.UseHttps(_certificate);
}
