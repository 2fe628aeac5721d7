using System.Net;

namespace Broadcaster.Bench.LoadGenerator;

/// <summary>Where the clients connect and how their sockets are set up.</summary>
public sealed record ClientSettings(IPEndPoint Server, string AppKey)
{
    /// <summary>Source addresses the clients spread over: one address has only 28,232 ephemeral ports (32768-60999).</summary>
    public const int SourceAddresses = 50;

    public string PathAndQuery => $"/app/{AppKey}?protocol=7&client=bench&version=1.0&flash=false";

    /// <summary>The load generator's buffer per connection; frames larger than this are read only as far as needed.</summary>
    public int ReceiveBufferBytes { get; init; } = 8192;

    /// <summary>
    /// The kernel's receive buffer (SO_RCVBUF), or null for the default, which autotunes up to tcp_rmem's maximum
    /// (32 MB here): a client that stops reading is only noticed by the server once this is full.
    /// </summary>
    public int? SocketReceiveBufferBytes { get; init; }

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>127.0.0.2 to 127.0.0.51, by client index.</summary>
    public static IPAddress SourceAddress(int index) => new([127, 0, 0, (byte)(2 + index % SourceAddresses)]);
}
