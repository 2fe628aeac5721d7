namespace Broadcaster.Node.Configuration;

/// <summary>
/// TLS for <c>wss://</c> and <c>https://</c> straight from the node (<c>broadcaster.tls</c>, or the
/// <c>LARAVEL_WEBSOCKETS_SSL_*</c> variables a Pixelfed/laravel-websockets setup already has).
/// </summary>
public sealed record TlsOptions
{
    /// <summary>PEM certificate (chain allowed), or a PFX/PKCS#12 file (.pfx, .p12). Empty: plain ws/http.</summary>
    public string Certificate { get; init; } = "";
    /// <summary>PEM private key, optionally encrypted with <see cref="Passphrase"/>; empty for a PFX or a PEM holding the key.</summary>
    public string Key { get; init; } = "";
    public string Passphrase { get; init; } = "";
    /// <summary>PEM bundle of intermediate/CA certificates sent with the chain and trusted for client certificates.</summary>
    public string CaBundle { get; init; } = "";
    /// <summary>Require and verify client certificates (laravel-websockets <c>verify_peer</c>).</summary>
    public bool VerifyPeer { get; init; }
    /// <summary>Accept self-signed client certificates when verifying peers (<c>allow_self_signed</c>).</summary>
    public bool AllowSelfSigned { get; init; }
    /// <summary>How often the files are checked for changes (certificate renewal without a restart).</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    public bool Enabled => Certificate.Length > 0;
}
