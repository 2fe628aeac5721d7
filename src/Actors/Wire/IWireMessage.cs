namespace Broadcaster.Actors.Wire;

/// <summary>
/// Marks every message that crosses nodes. All of them are bound to <see cref="WireSerializer"/>, so nothing the
/// nodes exchange falls back to a reflection-based serializer.
/// </summary>
public interface IWireMessage;
