namespace Broadcaster.Protocol.Presence;

/// <summary>A presence member: the user id as a string, and its <c>user_info</c> as raw JSON text.</summary>
public sealed record PresenceMember(string UserId, string UserInfoJson);
