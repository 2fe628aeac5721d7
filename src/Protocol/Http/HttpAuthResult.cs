namespace Broadcaster.Protocol.Http;

/// <summary>Outcome of checking an HTTP API request's signature: 200 means authenticated.</summary>
public readonly record struct HttpAuthResult(int Status, string? Error)
{
    public static HttpAuthResult Ok { get; } = new(200, null);
    public bool IsOk => Status == 200;
    public static HttpAuthResult Unauthorized(string error) => new(401, error);
}
