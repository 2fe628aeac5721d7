using Broadcaster.Node.Configuration;
using Broadcaster.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>
/// With <c>BROADCASTER_TEST_LOG_DIR</c> set (the test command sets it), every node these tests start logs, with the
/// node's own filters, into one file of that folder, and the secrets it was given go into <c>secrets.txt</c> there, so
/// that a scan after the whole run can show that no log line holds a secret or a signature. Unset: nodes log nothing.
/// </summary>
public static class RunLog
{
    private static readonly string? Folder = Environment.GetEnvironmentVariable("BROADCASTER_TEST_LOG_DIR") is { Length: > 0 } dir ? dir : null;
    private static readonly Lazy<FileLoggerProvider?> Provider = new(() => Folder is null ? null : new FileLoggerProvider(Folder));

    /// <summary>The logging of a node started with <paramref name="options"/>: into the run's log, or nowhere.</summary>
    public static Action<ILoggingBuilder> For(BroadcasterOptions options) => logging =>
    {
        if (Provider.Value is not { } provider) return;
        provider.RememberSecrets(SecretsOf(options));
        logging.AddProvider(new SharedProvider(provider));
        // The node's own filters, for this provider only (a test's capture beside it keeps what it asked for).
        logging.AddFilter<SharedProvider>(null, LogLevel.Trace);
        foreach (var (category, level) in NodeLogging.Rules) logging.AddFilter<SharedProvider>(category, level);
    };

    private static IEnumerable<string> SecretsOf(BroadcasterOptions options) =>
        options.Apps.Select(a => a.Secret)
            .Append(options.AdminSecret).Append(options.Dashboard.Password).Append(options.Tls.Passphrase)
            .Where(s => s.Length > 0);

    /// <summary>Lets each node's host dispose its providers without closing the one file they all write.</summary>
    private sealed class SharedProvider(ILoggerProvider inner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
