namespace Broadcaster.Protocol.Http;

/// <summary>An HTTP API failure: a status and the text that goes into <c>{"error": ...}</c>.</summary>
public sealed class ApiError(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
