namespace Broadcaster.Protocol.Channels;

public enum ChannelType
{
    Public,
    Private,
    Presence,
    PrivateEncrypted,
    /// <summary><c>#server-to-user-{id}</c>: only the signed-in user may subscribe.</summary>
    ServerToUser,
}
