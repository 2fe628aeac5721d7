namespace Broadcaster.Protocol.Channels;

/// <summary>One channel of one app: channels of different apps with the same name are different channels.</summary>
public readonly record struct ChannelKey(string AppId, string Channel);
