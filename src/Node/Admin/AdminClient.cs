using System.Globalization;
using System.Text.Json;
using Broadcaster.Node.Configuration;
using Broadcaster.Protocol.Http;
using Broadcaster.Protocol.Signing;

namespace Broadcaster.Node.Admin;

/// <summary>
/// The <c>restart</c> and <c>status</c> commands: a signed call to the running node at --host/--port (or the
/// configured ones), which acts for the whole cluster.
/// </summary>
public static class AdminClient
{
    /// <summary>Runs the command; <paramref name="time"/> dates the signature (auth_timestamp), the system clock by default.</summary>
    public static async Task<int> RunAsync(string command, BroadcasterOptions options, TimeProvider? time = null)
    {
        var (method, path) = command == "restart" ? ("POST", "/broadcaster/restart") : ("GET", "/broadcaster/status");
        var signer = AdminCredentials.Signer(options);
        var body = method == "POST" ? "{}" : "";
        var query = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["auth_key"] = signer.Key,
            ["auth_timestamp"] = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["auth_version"] = "1.0",
        };
        if (body.Length > 0) query["body_md5"] = PusherSignature.Md5Hex(System.Text.Encoding.UTF8.GetBytes(body));
        var signature = PusherSignature.Sign(signer.Secret, HttpRequestAuthenticator.StringToSign(method, path, query));
        var baseUrl = LocalNode.BaseUrl(options);
        var url = $"{baseUrl}{path}?" +
                  string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")) + $"&auth_signature={signature}";
        using var http = LocalNode.CreateClient(options, TimeSpan.FromSeconds(15));
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (body.Length > 0) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"broadcaster: {command} failed: {(int)response.StatusCode} {text}");
                return 1;
            }
            Console.WriteLine(command == "status" ? StatusTable(text) : "Rolling restart started: the nodes stop one after another and every node has restarted within about 10 s (later if restarted nodes are slow to be ready: a node goes only once another serves).");
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"broadcaster: cannot reach the node at {baseUrl}: {e.Message}");
            return 1;
        }
    }

    private static string StatusTable(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var lines = new List<string> { $"{"NODE",-44} {"STATUS",-8} {"REACHABLE",-9} {"READY",-5} {"CONNECTIONS",11} {"CHANNELS",8} {"PRESENCE",8}" };
        foreach (var n in doc.RootElement.GetProperty("nodes").EnumerateArray())
        {
            string Field(string name) => n.GetProperty(name).ValueKind == JsonValueKind.Null ? "-" : n.GetProperty(name).ToString();
            lines.Add($"{Field("address"),-44} {Field("status"),-8} {Field("reachable"),-9} {Field("ready"),-5} {Field("connections"),11} {Field("channels"),8} {Field("presenceMembers"),8}");
        }
        lines.Add($"leader: {doc.RootElement.GetProperty("leader")}");
        return string.Join(Environment.NewLine, lines);
    }
}
