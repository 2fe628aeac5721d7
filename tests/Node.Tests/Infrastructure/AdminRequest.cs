using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Node.Tests.Infrastructure;

/// <summary>Signed calls to <c>/broadcaster/restart</c> and <c>/broadcaster/status</c>, spoilt on purpose when asked.</summary>
public static class AdminRequest
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <param name="key">auth_key, or null to send the request unsigned.</param>
    public static async Task<ApiResponse> SendAsync(int port, string method, string path, string? key, string? secret, long? timestamp = null)
    {
        var body = method == "POST" ? "{}" : "";
        var target = path;
        if (key is not null)
        {
            var pairs = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["auth_key"] = key,
                ["auth_timestamp"] = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture),
                ["auth_version"] = "1.0",
            };
            if (body.Length > 0) pairs["body_md5"] = PusherSignature.Md5Hex(Encoding.UTF8.GetBytes(body));
            var toSign = $"{method}\n{path}\n{string.Join("&", pairs.Select(p => $"{p.Key}={p.Value}"))}";
            var signature = PusherSignature.Sign(secret ?? "", toSign);
            target += "?" + string.Join("&", pairs.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + "&auth_signature=" + signature;
        }
        using var request = new HttpRequestMessage(new HttpMethod(method), $"http://127.0.0.1:{port}{target}");
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        using var response = await Http.SendAsync(request);
        return new ApiResponse((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    public static Task<ApiResponse> StatusAsync(int port, string? key, string? secret, long? timestamp = null) =>
        SendAsync(port, "GET", "/broadcaster/status", key, secret, timestamp);

    public static Task<ApiResponse> RestartAsync(int port, string? key, string? secret, long? timestamp = null) =>
        SendAsync(port, "POST", "/broadcaster/restart", key, secret, timestamp);
}
