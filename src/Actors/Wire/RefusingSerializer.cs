using Akka.Actor;
using Akka.Serialization;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// Bound to <c>System.Object</c> in place of Akka's JSON fallback: a message type that crosses nodes without
/// a serializer of its own fails loudly instead of being sent as reflection-based JSON.
/// </summary>
public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
{
    public const int Id = 4712;

    public override int Identifier => Id;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new NotSupportedException($"{obj.GetType()} has no serializer bound: cross-node messages must implement IWireMessage");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new NotSupportedException($"Refusing to deserialize {type} without a bound serializer");
}
