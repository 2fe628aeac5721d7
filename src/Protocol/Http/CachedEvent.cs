namespace Broadcaster.Protocol.Http;

/// <summary>A cache channel's cached event as <c>info=cache</c> shows it (PROTOCOL.md 6.6): name, data, seconds left.</summary>
public sealed record CachedEvent(string Event, string Data, long TtlSeconds);
