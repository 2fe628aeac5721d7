namespace Broadcaster.Actors.Cluster;

/// <summary>
/// The serialization settings every node runs with: every <see cref="IBusMessage"/> (and the protocol's
/// channel info it carries) goes through <see cref="BusSerializer"/>, and anything else without a serializer
/// of its own is refused rather than sent as reflection-based JSON.
/// </summary>
public static class BusSerialization
{
    public static string Hocon { get; } = $$"""
        akka.actor {
          serializers.broadcaster = "{{Name(typeof(BusSerializer))}}"
          serializers.refuse = "{{Name(typeof(RefusingSerializer))}}"
          serialization-bindings {
            "System.Object" = refuse
            "{{Name(typeof(IBusMessage))}}" = broadcaster
            "{{Name(typeof(Protocol.Http.ChannelInfo))}}" = broadcaster
          }
          serialization-identifiers {
            "{{Name(typeof(BusSerializer))}}" = {{BusSerializer.Id}}
            "{{Name(typeof(RefusingSerializer))}}" = {{RefusingSerializer.Id}}
          }
        }
        """;

    private static string Name(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
