using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Broadcaster.Node.Hosting;

/// <summary>
/// Akka's logger, configured in <c>akka.loggers</c>: writes the actor system's log events into
/// Microsoft.Extensions.Logging, so one log carries both, with one format and one level setting.
/// </summary>
public sealed class AkkaLogBridge : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public AkkaLogBridge()
    {
        var factory = Context.System.Settings.Setup.Get<LoggerFactorySetup>();
        var loggers = new Dictionary<string, ILogger>(StringComparer.Ordinal);
        ILogger For(LogEvent e)
        {
            var category = "Akka." + (e.LogClass?.Name ?? "System");
            if (!loggers.TryGetValue(category, out var logger))
                loggers[category] = logger = factory.HasValue ? factory.Value.Factory.CreateLogger(category) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
            return logger;
        }

        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<Error>(e => For(e).LogError(e.Cause, "{Source}: {Message}", e.LogSource, e.Message));
        Receive<Warning>(e => For(e).LogWarning("{Source}: {Message}", e.LogSource, e.Message));
        Receive<Info>(e => For(e).LogInformation("{Source}: {Message}", e.LogSource, e.Message));
        Receive<Debug>(e => For(e).LogDebug("{Source}: {Message}", e.LogSource, e.Message));
    }
}
