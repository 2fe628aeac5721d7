namespace Broadcaster.Actors.Presence;

/// <summary>A presence channel of an app.</summary>
public readonly record struct PresenceKey(string AppId, string Channel);
