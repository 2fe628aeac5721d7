using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>Keeps every log entry in memory: category, level, the formatted line, structured values and exception.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, string State, string? Exception)
    {
        /// <summary>Everything the entry carries, for "must not contain" checks.</summary>
        public string All => $"{Category} {Message} {State} {Exception}";

        public override string ToString() => $"[{Level}] {Category}: {Message}{(Exception is null ? "" : " " + Exception)}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    /// <summary>Waits until an entry matches; fails after <paramref name="within"/> listing what was captured.</summary>
    public async Task<Entry> WaitForAsync(Func<Entry, bool> match, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var found = _entries.FirstOrDefault(match);
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No log entry for {what} within {within.TotalSeconds}s; captured {_entries.Count}:\n" +
                                           string.Join("\n", _entries.TakeLast(40)));
            await Task.Delay(25);
        }
    }

    private sealed class Logger(string category, CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
            owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), values, exception?.ToString()));
        }
    }
}
