using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Broadcaster.Node.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broadcaster.Node.Tls;

/// <summary>
/// Serves the node's port over TLS (<c>wss://</c> and <c>https://</c>) with the configured certificate, and picks
/// up renewed certificate files without a restart: every <see cref="TlsOptions.ReloadInterval"/> the files'
/// last-write times are compared, and a change is loaded for the following handshakes. A reload that fails
/// (half-written files) keeps the current certificate and logs a warning.
/// </summary>
public sealed class TlsEndpoint : IDisposable
{
    private readonly TlsOptions _options;
    private readonly object _gate = new();
    private TlsMaterial _material;
    private string _seen;
    private ITimer? _timer;
    private int _checking;
    private bool _disposed;
    private bool _applied;
    private ILogger _logger = NullLogger.Instance;
    private TimeProvider _time = TimeProvider.System;

    private TlsEndpoint(TlsOptions options, TlsMaterial material, string seen)
    {
        _options = options;
        _material = material;
        _seen = seen;
    }

    /// <summary>The certificate new handshakes are served with.</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _material).Certificate;

    /// <summary>Raised after a successful reload with the new certificate.</summary>
    public event Action<X509Certificate2>? Reloaded;

    /// <summary>Raised when changed files could not be loaded (the current certificate stays).</summary>
    public event Action<Exception>? ReloadFailed;

    /// <summary>Loads and checks the certificate files; a problem is a <see cref="SettingsException"/> naming the setting.</summary>
    public static TlsEndpoint Load(TlsOptions options)
    {
        var seen = Fingerprint(options);
        return new TlsEndpoint(options, TlsMaterial.Load(options), seen);
    }

    /// <summary>
    /// Puts TLS on a Kestrel endpoint. Logging, the clock and the reload timer come from the host: the timer starts when
    /// the application has started and is disposed when it stops.
    /// </summary>
    public void Apply(ListenOptions listen)
    {
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(CreateServerOptions()),
        });
        if (_applied) return;
        _applied = true;
        var services = listen.ApplicationServices;
        if (services?.GetService<ILoggerFactory>() is { } loggers) _logger = loggers.CreateLogger("Broadcaster.Tls");
        if (services?.GetService<TimeProvider>() is { } time) _time = time;
        if (services?.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            lifetime.ApplicationStarted.Register(Start);
            lifetime.ApplicationStopped.Register(Dispose);
        }
    }

    /// <summary>Options for one handshake: the current certificate context and the client-certificate policy.</summary>
    public SslServerAuthenticationOptions CreateServerOptions()
    {
        var material = Volatile.Read(ref _material);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateRequired = _options.VerifyPeer,
        };
        if (_options.VerifyPeer)
            options.RemoteCertificateValidationCallback = (_, certificate, chain, _) => ValidateClient(material, certificate, chain);
        return options;
    }

    /// <summary>Starts the reload timer and logs what is served.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_disposed || _timer is not null) return;
            var cert = Certificate;
            var interval = _options.ReloadInterval > TimeSpan.Zero ? _options.ReloadInterval : TimeSpan.FromSeconds(10);
            _logger.LogInformation("TLS: wss:// and https:// with {Subject} (thumbprint {Thumbprint}, expires {Expires:yyyy-MM-dd}), client certificates {Client}; files checked every {Interval}s",
                cert.Subject, cert.Thumbprint, cert.NotAfter.ToUniversalTime(),
                _options.VerifyPeer ? (_options.AllowSelfSigned ? "required (self-signed allowed)" : "required") : "not requested",
                interval.TotalSeconds);
            WarnIfExpiring(cert);
            _timer = _time.CreateTimer(_ => CheckForChanges(), null, interval, interval);
        }
    }

    /// <summary>
    /// Reloads the files if their last-write times (or sizes, or symlink targets) changed since the last check.
    /// Returns true when a new certificate was loaded. Never throws.
    /// </summary>
    public bool CheckForChanges()
    {
        if (Interlocked.Exchange(ref _checking, 1) == 1) return false;
        try
        {
            if (_disposed) return false;
            var now = Fingerprint(_options);
            if (now == _seen) return false;
            _seen = now;
            TlsMaterial loaded;
            try
            {
                loaded = TlsMaterial.Load(_options);
            }
            catch (Exception e)
            {
                _logger.LogWarning("TLS: the certificate files changed but cannot be loaded, still serving {Thumbprint}: {Message}",
                    Certificate.Thumbprint, e.Message);
                ReloadFailed?.Invoke(e);
                return false;
            }
            // The previous material stays referenced by handshakes in progress; the GC releases it.
            Volatile.Write(ref _material, loaded);
            _logger.LogInformation("TLS: reloaded {Subject} (thumbprint {Thumbprint}, expires {Expires:yyyy-MM-dd})",
                loaded.Certificate.Subject, loaded.Certificate.Thumbprint, loaded.Certificate.NotAfter.ToUniversalTime());
            WarnIfExpiring(loaded.Certificate);
            Reloaded?.Invoke(loaded.Certificate);
            return true;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "TLS: checking the certificate files failed");
            return false;
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private void WarnIfExpiring(X509Certificate2 cert)
    {
        var left = cert.NotAfter.ToUniversalTime() - _time.GetUtcNow().UtcDateTime;
        if (left < TimeSpan.Zero)
            _logger.LogWarning("TLS: the certificate {Subject} expired on {Expires:yyyy-MM-dd}", cert.Subject, cert.NotAfter.ToUniversalTime());
        else if (left < TimeSpan.FromDays(7))
            _logger.LogWarning("TLS: the certificate {Subject} expires on {Expires:yyyy-MM-dd}", cert.Subject, cert.NotAfter.ToUniversalTime());
    }

    /// <summary>Last-write time, size and symlink target of every file: a change means "reload".</summary>
    private static string Fingerprint(TlsOptions options) =>
        string.Join("|", TlsMaterial.Files(options).Select(path =>
        {
            try
            {
                var info = new FileInfo(path);
                var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
                var file = target as FileInfo ?? info;
                return file.Exists ? $"{path}>{file.FullName}:{file.LastWriteTimeUtc.Ticks}:{file.Length}" : $"{path}:missing";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"{path}:error";
            }
        }));

    /// <summary>verify-peer: the client certificate must chain to the CA bundle (or be self-signed, if allowed).</summary>
    private bool ValidateClient(TlsMaterial material, X509Certificate? certificate, X509Chain? received)
    {
        if (certificate is null) return false;
        try
        {
            using var client = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            using var chain = new X509Chain();
            var policy = chain.ChainPolicy;
            policy.RevocationMode = X509RevocationMode.NoCheck;
            policy.DisableCertificateDownloads = true;
            if (received is not null)
            {
                policy.ExtraStore.AddRange(received.ChainPolicy.ExtraStore);
                foreach (var element in received.ChainElements) policy.ExtraStore.Add(element.Certificate);
            }
            if (material.CaBundle.Count > 0)
            {
                policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                var roots = material.CaBundle.Where(IsSelfSigned).ToList();
                policy.CustomTrustStore.AddRange(roots.Count > 0 ? roots.ToArray() : material.CaBundle.ToArray());
                policy.ExtraStore.AddRange(material.CaBundle);
            }
            if (chain.Build(client)) return true;
            if (_options.AllowSelfSigned && IsSelfSigned(client))
            {
                using var self = new X509Chain();
                self.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                self.ChainPolicy.DisableCertificateDownloads = true;
                self.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                self.ChainPolicy.CustomTrustStore.Add(client);
                if (self.Build(client)) return true;
            }
            _logger.LogDebug("TLS: refused client certificate {Subject}: {Status}", client.Subject,
                string.Join(", ", chain.ChainStatus.Select(s => s.Status)));
            return false;
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "TLS: client certificate check failed");
            return false;
        }
    }

    private static bool IsSelfSigned(X509Certificate2 cert) => cert.SubjectName.RawData.AsSpan().SequenceEqual(cert.IssuerName.RawData);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
