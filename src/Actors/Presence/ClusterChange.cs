using Broadcaster.Protocol.Channels;
using Broadcaster.Protocol.Presence;

namespace Broadcaster.Actors.Presence;

/// <summary>A member appeared in the whole cluster (<paramref name="Added"/>: its first node) or vanished from it (its last).</summary>
public readonly record struct ClusterChange(ChannelKey Key, PresenceMember Member, bool Added);
