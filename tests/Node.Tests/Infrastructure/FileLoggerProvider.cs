using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>One log file per test process (category, level, message, exception per line), and the secrets beside it.</summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _log;
    private readonly string _secretsFile;
    private readonly HashSet<string> _secrets = [];
    private readonly Lock _gate = new();

    public FileLoggerProvider(string folder)
    {
        Directory.CreateDirectory(folder);
        var name = $"dotnet-{Path.GetFileNameWithoutExtension(typeof(FileLoggerProvider).Assembly.Location)}-{Environment.ProcessId}";
        _log = new StreamWriter(Path.Combine(folder, name + ".log"), append: true) { AutoFlush = true };
        _secretsFile = Path.Combine(folder, "secrets.txt");
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(categoryName, this);

    public void RememberSecrets(IEnumerable<string> secrets)
    {
        lock (_gate)
        {
            var fresh = secrets.Where(_secrets.Add).ToList();
            if (fresh.Count > 0) File.AppendAllLines(_secretsFile, fresh);
        }
    }

    private void Write(string line)
    {
        lock (_gate) _log.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_gate) _log.Dispose();
    }

    private sealed class FileLogger(string category, FileLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception).ReplaceLineEndings(" | ");
            var error = exception is null ? "" : " " + exception.ToString().ReplaceLineEndings(" | ");
            owner.Write($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {message}{error}");
        }
    }
}
