namespace Broadcaster.Actors.Wire;

/// <summary>
/// An event for one channel as ready-made frame bytes, published on the cluster topic: every node, the one that
/// accepted it included, hands the same bytes to its own subscribers of the channel but <paramref name="ExceptSocketId"/>.
/// </summary>
/// <param name="FromApi">Triggered through the HTTP API (not a client event): only these are kept by cache channels.</param>
public sealed record ChannelEvent(string AppId, string Channel, ReadOnlyMemory<byte> Frame, string? ExceptSocketId, bool FromApi = false) : IWireMessage;
