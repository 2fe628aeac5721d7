using Broadcaster.Node.Configuration;

namespace Broadcaster.Node.Admin;

/// <summary>How the command line (<c>probe</c>, <c>restart</c>, <c>status</c>) reaches the node its options describe.</summary>
public static class LocalNode
{
    /// <summary>Scheme, host and port with the path prefix; a node listening on every address is reached on loopback.</summary>
    public static string BaseUrl(BroadcasterOptions options)
    {
        var host = options.Host is "0.0.0.0" or "" or "*" ? "127.0.0.1" : options.Host;
        return $"{(options.Tls.Enabled ? "https" : "http")}://{host}:{options.Port}{options.PathPrefix}";
    }

    public static HttpClient CreateClient(BroadcasterOptions options, TimeSpan timeout)
    {
        var handler = new HttpClientHandler();
        // The certificate names the node's public host, not the loopback address used here.
        if (options.Tls.Enabled) handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { Timeout = timeout };
    }
}
