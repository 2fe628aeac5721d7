using Akka.Actor.Setup;

namespace Broadcaster.Node.Hosting;

/// <summary>Hands the host's <see cref="ILoggerFactory"/> to the actor system, for <see cref="AkkaLogBridge"/>.</summary>
public sealed class LoggerFactorySetup(ILoggerFactory factory) : Setup
{
    public ILoggerFactory Factory { get; } = factory;
}
