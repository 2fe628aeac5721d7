using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using Broadcaster.Actors.Apps;
using Broadcaster.Actors.Cluster;
using Broadcaster.Actors.Guardian;
using Broadcaster.Actors.Mailboxes;
using Broadcaster.Actors.Wire;
using Broadcaster.Actors.Connections;
using Broadcaster.Protocol.Apps;

namespace Broadcaster.Actors.Tests.Cluster;

/// <summary>
/// One broadcaster node in the test process: an ActorSystem "broadcaster" on 127.0.0.1 with a free port, the
/// node's HOCON (<c>hocon/akka.conf</c>) with the bus serializer bound as <c>AkkaConfig.Build</c> binds it, short
/// cluster timings, and the node's actors created as <c>BroadcasterServer.CreateActors</c> creates them.
/// </summary>
public sealed class ClusterNode
{
    public const string SystemName = "broadcaster";

    private static readonly Lazy<Config> NodeConfig = new(BuildConfig);

    private ClusterNode(string name, ActorSystem system, AppConnectionCounter counter, NodeRefs refs)
    {
        Name = name;
        System = system;
        Counter = counter;
        Refs = refs;
    }

    /// <summary>A label for messages ("A", "B", ...).</summary>
    public string Name { get; }
    public ActorSystem System { get; }
    public AppConnectionCounter Counter { get; }
    public NodeRefs Refs { get; }
    public IActorRef Bus => Refs.Bus;
    public IActorRef Channels => Refs.Channels;
    public IActorRef Presence => Refs.Presence;
    public IActorRef Connections => Refs.Connections;
    public IActorRef Users => Refs.Users;

    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);
    public Address Address => Cluster.SelfAddress;
    public string NodeId => NodeIds.Of(Cluster.SelfUniqueAddress);

    /// <summary>The configuration every test node runs with (also used by the serialization tests).</summary>
    public static Config Config => NodeConfig.Value;

    /// <param name="configure">Changes the node's settings before it starts (apps, webhooks).</param>
    public static ClusterNode Start(string name, ProtocolLimits? limits = null, ConnectionSettings? settings = null,
        Func<NodeSettings, NodeSettings>? configure = null)
    {
        var system = ActorSystem.Create(SystemName, Config);
        try
        {
            var counter = new AppConnectionCounter();
            var node = new NodeSettings
            {
                Limits = limits ?? ProtocolLimits.Default,
                Connections = settings ?? new ConnectionSettings(),
                ConnectionCounter = counter,
            };
            if (configure is not null) node = configure(node);
            var refs = NodeRefs.StartAsync(system, node).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            return new ClusterNode(name, system, counter, refs);
        }
        catch
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(5));
            throw;
        }
    }

    public BusStatus Status() => Bus.Ask<BusStatus>(GetBusStatus.Instance, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    public T Ask<T>(IActorRef actor, object message) => actor.Ask<T>(message, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    /// <summary>Drops everything this node sends to or receives from <paramref name="other"/>, as if the link died.</summary>
    public void Blackhole(Address other)
    {
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)System).Provider).Transport;
        var done = transport.ManagementCommand(new SetThrottle(other, ThrottleTransportAdapter.Direction.Both, Akka.Remote.Transport.Blackhole.Instance));
        if (!done.Wait(TimeSpan.FromSeconds(5)) || !done.Result)
            throw new InvalidOperationException($"{Name}: blackholing {other} was not acknowledged");
    }

    public Task TerminateAsync() => System.Terminate();

    public override string ToString() => $"{Name} ({Address})";

    private static Config BuildConfig()
    {
        var text = """
            akka.remote.dot-netty.tcp {
              hostname = "127.0.0.1"
              public-hostname = "127.0.0.1"
              port = 0
              # The throttler lets a test blackhole a node's links: a crash without Terminate().
              applied-adapters = ["trttl"]
            }
            akka.remote {
              log-remote-lifecycle-events = off
            }
            akka.cluster {
              seed-nodes = []
              # 2s rather than 1s: test hosts are often busy, and a spurious crash detection would fail unrelated tests.
              failure-detector.acceptable-heartbeat-pause = 2s
              failure-detector.heartbeat-interval = 200ms
              split-brain-resolver.stable-after = 1s
              gossip-interval = 200ms
              leader-actions-interval = 200ms
              unreachable-nodes-reaper-interval = 200ms
              periodic-tasks-initial-delay = 200ms
            }
            # Test nodes are torn down all at once: no leave handshake on Terminate().
            akka.coordinated-shutdown.run-by-actor-system-terminate = off
            akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
            akka.coordinated-shutdown.phases.cluster-leave.timeout = 2s
            """;
        // The serialization a node runs with (strict: unbound types are refused), as AkkaConfig.Build adds it.
        return ConfigurationFactory.ParseString(text)
            .WithFallback(WireSerialization.Config)
            .WithFallback(ConfigurationFactory.ParseString(LeanMailbox.Hocon))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(FindNodeHocon())))
            .WithFallback(WireSerialization.PubSubDefaults);
    }

    /// <summary>The node's own <c>hocon/akka.conf</c>, found from the test binaries up to the repository root.</summary>
    private static string FindNodeHocon()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "hocon", "akka.conf");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"hocon/akka.conf not found above {AppContext.BaseDirectory}");
    }
}
