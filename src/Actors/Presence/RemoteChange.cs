using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>A user became present (<paramref name="Added"/>) or absent on the other nodes of the cluster, in one channel.</summary>
public readonly record struct RemoteChange(ChannelKey Key, PresenceMember Member, bool Added);
