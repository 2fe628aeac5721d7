using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;

namespace Broadcaster.Actors.Wire;

/// <summary>
/// The serialization every node runs with: every <see cref="IWireMessage"/> goes through <see cref="WireSerializer"/>,
/// anything else without a serializer of its own is refused rather than sent as reflection-based JSON.
/// </summary>
public static class WireSerialization
{
    public static string Hocon { get; } = $$"""
        akka.actor {
          serializers.broadcaster = "{{Name(typeof(WireSerializer))}}"
          serializers.refuse = "{{Name(typeof(RefusingSerializer))}}"
          serialization-bindings {
            "System.Object" = refuse
            "{{Name(typeof(IWireMessage))}}" = broadcaster
          }
          serialization-identifiers {
            "{{Name(typeof(WireSerializer))}}" = {{WireSerializer.Id}}
            "{{Name(typeof(RefusingSerializer))}}" = {{RefusingSerializer.Id}}
          }
        }
        """;

    public static Config Config => ConfigurationFactory.ParseString(Hocon);

    /// <summary>
    /// DistributedPubSub's defaults, to be the last fallback of a node's configuration: its serializer bindings must be
    /// known when the actor system starts, or the mediator's own gossip would hit the refusing serializer.
    /// </summary>
    public static Config PubSubDefaults => DistributedPubSub.DefaultConfig();

    private static string Name(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
