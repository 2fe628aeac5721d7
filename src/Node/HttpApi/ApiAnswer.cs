namespace Broadcaster.Node.HttpApi;

/// <summary>
/// A successful HTTP API answer: the JSON body, and the nodes left out of its cluster-wide counts because they did not
/// answer in time (sent as the <c>X-Broadcaster-Missing-Nodes</c> header, so Pusher's bodies stay as they are).
/// </summary>
public sealed record ApiAnswer(byte[] Body, IReadOnlyList<string> MissingNodes)
{
    public const string MissingNodesHeader = "X-Broadcaster-Missing-Nodes";

    public static ApiAnswer Of(byte[] body) => new(body, []);
}
