using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Node.Tests.WebSockets.Transport;

/// <summary>
/// A node whose message limit lies above 65,535 bytes, so client frames of all three RFC 6455 length encodings
/// (7-bit, 16-bit and 64-bit) fit under it, and whose events can be big enough for the server to use all three too.
/// </summary>
public sealed class TransportFixture : ServerFixture
{
    public const int MaxMessageBytes = 100_000;
    public const int MaxEventDataBytes = 80_000;

    protected override BroadcasterOptions Configure(BroadcasterOptions defaults) =>
        defaults with { Limits = ProtocolLimits.Default with { MaxMessageBytes = MaxMessageBytes, MaxEventDataBytes = MaxEventDataBytes } };
}
