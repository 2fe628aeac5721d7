using System.Buffers;
using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Apps;
using Broadcaster.Protocol.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Broadcaster.Node.HttpApi;

/// <summary>
/// What every signed call (the HTTP API and the admin routes) does before its action: read the raw body within
/// the size limit, then check the signature over that body and the path as received on the wire, without the
/// deployment prefix, as the SDKs sign it (PROTOCOL.md 6.2).
/// </summary>
public sealed class SignedRequest(BroadcasterOptions options, TimeProvider time)
{
    /// <summary>The raw body; <see cref="ApiError"/> 413 past <c>max-request-size</c>, with or without Content-Length.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request)
    {
        var max = options.Limits.MaxRequestBodyBytes;
        if (request.ContentLength > max) throw new ApiError(413, $"Request body too large: at most {max} bytes");
        var buffer = new ArrayBufferWriter<byte>(256);
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk)) > 0)
            {
                if (buffer.WrittenCount + read > max)
                {
                    // Read the rest (Kestrel caps it) so the client finishes sending and reads the 413.
                    while (await request.Body.ReadAsync(chunk) > 0)
                    {
                    }
                    throw new ApiError(413, $"Request body too large: at most {max} bytes");
                }
                buffer.Write(chunk.AsSpan(0, read));
            }
        }
        catch (BadHttpRequestException e)
        {
            // Past Kestrel's ceiling (a multiple of the limit) the connection is dropped after this answer.
            throw new ApiError(e.StatusCode, e.StatusCode == 413 ? $"Request body too large: at most {max} bytes" : e.Message);
        }
        return buffer.WrittenMemory;
    }

    public HttpAuthResult Verify(HttpContext context, PusherApp credentials, ReadOnlyMemory<byte> body)
    {
        var query = context.Request.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()));
        return HttpRequestAuthenticator.Verify(credentials, context.Request.Method, SignedPath(context), query, body.Span,
            time.GetUtcNow(), options.Limits.TimestampWindowSeconds);
    }

    /// <summary>The path as received on the wire (not decoded), without the query and without the path prefix.</summary>
    private string SignedPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var q = raw.IndexOf('?');
        if (q >= 0) raw = raw[..q];
        if (Uri.TryCreate(raw, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https") raw = absolute.AbsolutePath;
        var prefix = options.PathPrefix;
        return prefix.Length > 0 && raw.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? raw[prefix.Length..] : raw;
    }
}
