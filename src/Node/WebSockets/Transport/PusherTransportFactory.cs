using System.Net;
using Broadcaster.Node.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Options;

namespace Broadcaster.Node.WebSockets.Transport;

/// <summary>
/// Kestrel's transport for the node: the node's own port, when it speaks plain TCP, is bound by a
/// <see cref="PusherListener"/>, which keeps WebSockets for itself; every other endpoint (the TLS port, where Kestrel's
/// TLS middleware must see the bytes first, and a separate metrics port) is Kestrel's socket transport as usual.
/// </summary>
public sealed class PusherTransportFactory(BroadcasterOptions options, IServiceProvider services, ILoggerFactory loggers) : IConnectionListenerFactory
{
    private readonly SocketTransportFactory _sockets = new(Options.Create(new SocketTransportOptions()), loggers);

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (options.Tls.Enabled || endpoint is not IPEndPoint { } ip || ip.Port != options.Port)
            return _sockets.BindAsync(endpoint, cancellationToken);
        var forKestrel = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(),
            loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"));
        IConnectionListener listener = new PusherListener(endpoint, forKestrel, services.GetRequiredService<OwnedSocket>,
            options.PathPrefix, options.RequestHeadersTimeout, loggers.CreateLogger<PusherListener>());
        return ValueTask.FromResult(listener);
    }
}
