namespace Broadcaster.Protocol.Http;

/// <summary>What the HTTP API knows of one channel at one moment.</summary>
public sealed record ChannelInfo(string Name, int SubscriptionCount, int UserCount)
{
    public bool Occupied => SubscriptionCount > 0;
}
