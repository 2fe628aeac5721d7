using System.Net;
using System.Net.Sockets;

namespace Broadcaster.Node.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback port nothing listens on right now (the OS picked it and it was released).</summary>
    public static int Pick()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
