namespace Broadcaster.Node.Hosting;

/// <summary>
/// What the node logs, in one place: the console format of <c>serve</c> and the filters that keep framework noise
/// (and the request lines of ASP.NET's hosting log, whose query strings carry API signatures) out of it.
/// </summary>
public static class NodeLogging
{
    /// <summary>The console log of a node started by <c>serve</c>.</summary>
    public static void Console(ILoggingBuilder logging, LogLevel level)
    {
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
        });
        Filters(logging);
        logging.SetMinimumLevel(level);
    }

    /// <summary>
    /// The category filters every node runs with, whatever its level. Webhook requests: the HttpClient logs every
    /// request and Polly every retry with its stack trace; the dispatcher logs one line per batch it gives up on, and
    /// /metrics counts the retries.
    /// </summary>
    public static readonly IReadOnlyList<(string Category, LogLevel Level)> Rules =
    [
        ("Microsoft", LogLevel.Warning),
        ("System.Net.Http.HttpClient", LogLevel.Warning),
        ("Polly", LogLevel.Error),
    ];

    public static void Filters(ILoggingBuilder logging)
    {
        foreach (var (category, level) in Rules) logging.AddFilter(category, level);
    }
}
